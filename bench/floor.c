/*
 * The floor of `make bench`: libyaml's event loop alone. Pulls every event of
 * every input through yaml_parser_set_input_file, deletes it and counts it;
 * nothing is built or kept. render-check's throughput is measured against it.
 *
 *     floor FILE...      prints "<events> events, <documents> documents"
 */
#include <stdio.h>
#include <yaml.h>

int main(int argc, char **argv) {
    unsigned long events = 0, documents = 0;
    if (argc < 2) {
        fprintf(stderr, "usage: %s FILE...\n", argv[0]);
        return 2;
    }
    for (int i = 1; i < argc; i++) {
        FILE *file = fopen(argv[i], "rb");
        if (!file) {
            perror(argv[i]);
            return 2;
        }
        yaml_parser_t parser;
        if (!yaml_parser_initialize(&parser)) {
            fprintf(stderr, "%s: cannot initialise libyaml\n", argv[i]);
            return 2;
        }
        yaml_parser_set_input_file(&parser, file);
        int done = 0;
        while (!done) {
            yaml_event_t event;
            if (!yaml_parser_parse(&parser, &event)) {
                fprintf(stderr, "%s:%lu:%lu: error: %s\n", argv[i],
                        (unsigned long)parser.problem_mark.line + 1,
                        (unsigned long)parser.problem_mark.column + 1,
                        parser.problem ? parser.problem : "parse error");
                yaml_parser_delete(&parser);
                fclose(file);
                return 1;
            }
            events++;
            if (event.type == YAML_DOCUMENT_START_EVENT) documents++;
            done = event.type == YAML_STREAM_END_EVENT;
            yaml_event_delete(&event);
        }
        yaml_parser_delete(&parser);
        fclose(file);
    }
    printf("%lu events, %lu documents\n", events, documents);
    return 0;
}
