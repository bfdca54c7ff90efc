/// Resolves scalars the way Kubernetes' YAML decoder (go-yaml v2, YAML 1.1
/// rules) does: only plain scalars are typed; quoted and block scalars are
/// strings unless an explicit tag says otherwise.
enum ScalarResolver {
    private static let yamlTagPrefix = "tag:yaml.org,2002:"

    static func resolve(_ text: UnsafeBufferPointer<UInt8>, style: ScalarStyle, tag: String?) -> ScalarValue {
        if let tag, tag != "!" {
            return resolveTagged(text, tag: tag)
        }
        guard style == .plain, tag == nil else { return .string(makeString(text)) }
        return resolvePlain(text)
    }

    private static func resolveTagged(_ text: UnsafeBufferPointer<UInt8>, tag: String) -> ScalarValue {
        guard tag.hasPrefix(yamlTagPrefix) else { return .string(makeString(text)) }
        switch tag.dropFirst(yamlTagPrefix.count) {
        case "null": return .null
        case "bool":
            if case .bool(let value) = resolvePlain(text) { return .bool(value) }
        case "int":
            if let value = parseInteger(text) { return .int(value) }
        case "float":
            if let value = parseInteger(text) { return .float(Double(value)) }
            if case .float(let value) = resolvePlain(text) { return .float(value) }
        default:
            break
        }
        return .string(makeString(text))
    }

    static func resolvePlain(_ text: UnsafeBufferPointer<UInt8>) -> ScalarValue {
        if text.isEmpty { return .null }
        switch text[0] {
        case UInt8(ascii: "~"), UInt8(ascii: "n"), UInt8(ascii: "N"):
            if matches(text, ["~", "null", "Null", "NULL"]) { return .null }
            if matches(text, ["n", "N", "no", "No", "NO"]) { return .bool(false) }
        case UInt8(ascii: "y"), UInt8(ascii: "Y"):
            if matches(text, ["y", "Y", "yes", "Yes", "YES"]) { return .bool(true) }
        case UInt8(ascii: "t"), UInt8(ascii: "T"):
            if matches(text, ["true", "True", "TRUE"]) { return .bool(true) }
        case UInt8(ascii: "f"), UInt8(ascii: "F"):
            if matches(text, ["false", "False", "FALSE"]) { return .bool(false) }
        case UInt8(ascii: "o"), UInt8(ascii: "O"):
            if matches(text, ["on", "On", "ON"]) { return .bool(true) }
            if matches(text, ["off", "Off", "OFF"]) { return .bool(false) }
        case UInt8(ascii: "."), UInt8(ascii: "+"), UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
            if let number = resolveNumber(text) { return number }
        default:
            break
        }
        return .string(makeString(text))
    }

    private static func resolveNumber(_ text: UnsafeBufferPointer<UInt8>) -> ScalarValue? {
        if matches(text, [".nan", ".NaN", ".NAN"]) { return .float(.nan) }
        if matches(text, [".inf", ".Inf", ".INF", "+.inf", "+.Inf", "+.INF"]) { return .float(.infinity) }
        if matches(text, ["-.inf", "-.Inf", "-.INF"]) { return .float(-.infinity) }
        if let value = parseInteger(text) { return .int(value) }
        if let value = parseFloat(text) { return .float(value) }
        return nil
    }

    /// Integers as Go's `strconv.ParseInt(s, 0, 64)` reads them after go-yaml
    /// drops underscores: optional sign, then `0x`, `0o`, `0b`, a leading `0`
    /// for octal, or decimal.
    static func parseInteger(_ text: UnsafeBufferPointer<UInt8>) -> Int64? {
        var digits: [UInt8] = []
        digits.reserveCapacity(text.count)
        for byte in text where byte != UInt8(ascii: "_") { digits.append(byte) }
        guard !digits.isEmpty else { return nil }
        var index = 0
        var negative = false
        if digits[0] == UInt8(ascii: "+") || digits[0] == UInt8(ascii: "-") {
            negative = digits[0] == UInt8(ascii: "-")
            index = 1
        }
        guard index < digits.count else { return nil }
        var radix: UInt64 = 10
        if digits[index] == UInt8(ascii: "0"), index + 1 < digits.count {
            switch digits[index + 1] {
            case UInt8(ascii: "x"), UInt8(ascii: "X"): radix = 16; index += 2
            case UInt8(ascii: "o"), UInt8(ascii: "O"): radix = 8; index += 2
            case UInt8(ascii: "b"), UInt8(ascii: "B"): radix = 2; index += 2
            default: radix = 8; index += 1
            }
        }
        guard index < digits.count else { return nil }
        var magnitude: UInt64 = 0
        for byte in digits[index...] {
            let digit: UInt64
            switch byte {
            case UInt8(ascii: "0")...UInt8(ascii: "9"): digit = UInt64(byte - UInt8(ascii: "0"))
            case UInt8(ascii: "a")...UInt8(ascii: "f"): digit = UInt64(byte - UInt8(ascii: "a") + 10)
            case UInt8(ascii: "A")...UInt8(ascii: "F"): digit = UInt64(byte - UInt8(ascii: "A") + 10)
            default: return nil
            }
            guard digit < radix else { return nil }
            let (shifted, overflow1) = magnitude.multipliedReportingOverflow(by: radix)
            let (sum, overflow2) = shifted.addingReportingOverflow(digit)
            if overflow1 || overflow2 { return nil }
            magnitude = sum
        }
        return Int64(magnitude: magnitude, negative: negative)
    }

    /// Floats matching go-yaml's `^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$`.
    static func parseFloat(_ text: UnsafeBufferPointer<UInt8>) -> Double? {
        var digits: [UInt8] = []
        for byte in text where byte != UInt8(ascii: "_") { digits.append(byte) }
        var i = 0
        func isDigit(_ at: Int) -> Bool {
            at < digits.count && digits[at] >= UInt8(ascii: "0") && digits[at] <= UInt8(ascii: "9")
        }
        if i < digits.count, digits[i] == UInt8(ascii: "+") || digits[i] == UInt8(ascii: "-") { i += 1 }
        if i < digits.count, digits[i] == UInt8(ascii: ".") {
            i += 1
            guard isDigit(i) else { return nil }
            while isDigit(i) { i += 1 }
        } else {
            guard isDigit(i) else { return nil }
            while isDigit(i) { i += 1 }
            if i < digits.count, digits[i] == UInt8(ascii: ".") {
                i += 1
                while isDigit(i) { i += 1 }
            }
        }
        if i < digits.count, digits[i] == UInt8(ascii: "e") || digits[i] == UInt8(ascii: "E") {
            i += 1
            if i < digits.count, digits[i] == UInt8(ascii: "+") || digits[i] == UInt8(ascii: "-") { i += 1 }
            guard isDigit(i) else { return nil }
            while isDigit(i) { i += 1 }
        }
        guard i == digits.count else { return nil }
        return Double(String(decoding: digits, as: UTF8.self))
    }

    private static func matches(_ text: UnsafeBufferPointer<UInt8>, _ candidates: [StaticString]) -> Bool {
        for candidate in candidates where candidate.utf8CodeUnitCount == text.count {
            let bytes = UnsafeBufferPointer(start: candidate.utf8Start, count: candidate.utf8CodeUnitCount)
            if bytes.elementsEqual(text) { return true }
        }
        return false
    }

    private static func makeString(_ text: UnsafeBufferPointer<UInt8>) -> String {
        String(decoding: text, as: UTF8.self)
    }
}
