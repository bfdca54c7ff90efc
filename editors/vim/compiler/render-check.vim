" Vim/Neovim compiler plugin for render-check: `:compiler render-check`,
" then `:make` runs the repository's check and fills the quickfix list with
" its FILE:LINE:COL: error|warning|note: lines. Put editors/vim on
" 'runtimepath' (set rtp+=/path/to/render-check/editors/vim).
if exists('current_compiler')
  finish
endif
let current_compiler = 'render-check'

if exists(':CompilerSet') != 2
  command -nargs=* CompilerSet setlocal <args>
endif

CompilerSet makeprg=render-check\ check
CompilerSet errorformat=%f:%l:%c:\ %trror:\ %m,%f:%l:%c:\ %tarning:\ %m,%f:%l:%c:\ %tote:\ %m,%-G%.%#
