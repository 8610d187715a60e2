-- Drives grantlint's language server from Neovim's built-in LSP client, headless.
-- Run: nvim --headless -u NONE -i NONE -n -c "luafile test/lsp/neovim.lua"
-- Environment: GRANTLINT_BIN (the executable), GRANTLINT_WS (a workspace holding main.bicep and
-- grant.bicep), GRANTLINT_RESULT (a file this script writes "ok" or the failure to).
local bin = os.getenv('GRANTLINT_BIN')
local ws = os.getenv('GRANTLINT_WS')
local result_file = os.getenv('GRANTLINT_RESULT')

local function finish(message)
  local f = io.open(result_file, 'w')
  f:write(message)
  f:close()
  vim.cmd(message == 'ok' and 'qall!' or 'cquit! 1')
end

local function check(cond, message)
  if not cond then
    finish('FAIL: ' .. message)
    error(message)
  end
end

local ok, err = pcall(function()
  local client_id = vim.lsp.start_client({
    name = 'grantlint',
    cmd = { 'node', bin, 'lsp' },
    root_dir = ws,
    init_options = { debounceMs = 50, idleMs = 300 },
  })
  check(client_id ~= nil, 'the client did not start')

  -- Open the module that holds the grant; the identity is declared in main.bicep.
  vim.cmd('edit ' .. ws .. '/grant.bicep')
  local buf = vim.api.nvim_get_current_buf()
  vim.lsp.buf_attach_client(buf, client_id)

  local function codes()
    local out = {}
    for _, d in ipairs(vim.diagnostic.get(buf)) do out[#out + 1] = d.code end
    return table.concat(out, ',')
  end
  local function has(code)
    return string.find(codes(), code, 1, true) ~= nil
  end

  -- The file on disk is clean. Delete its principalType line in the buffer (unsaved): the
  -- diagnostic comes from what is typed.
  vim.wait(1500, function() return false end, 50)
  check(not has('missing-principal-type'), 'a diagnostic before the edit: ' .. codes())
  check(vim.api.nvim_buf_get_lines(buf, 12, 13, false)[1] == "    principalType: 'ServicePrincipal'", 'unexpected line 13')
  vim.api.nvim_buf_set_lines(buf, 12, 13, false, {})
  check(vim.wait(30000, function() return has('missing-principal-type') end, 50), 'no missing-principal-type diagnostic; got: ' .. codes())
  local diag
  for _, d in ipairs(vim.diagnostic.get(buf)) do
    if d.code == 'missing-principal-type' then diag = d end
  end
  check(diag.lnum == 6, 'diagnostic on line ' .. tostring(diag.lnum))

  -- The code action for the diagnostic, applied to the buffer.
  local params = vim.lsp.util.make_range_params()
  params.range = { start = { line = diag.lnum, character = 0 }, ['end'] = { line = diag.lnum, character = 0 } }
  params.context = { diagnostics = { diag.user_data and diag.user_data.lsp or diag } }
  local responses = vim.lsp.buf_request_sync(buf, 'textDocument/codeAction', params, 30000)
  check(responses ~= nil, 'no code action response')
  local action
  for _, r in pairs(responses) do
    for _, a in ipairs(r.result or {}) do
      if vim.startswith(a.title, "Add principalType: 'ServicePrincipal'") then action = a end
    end
  end
  -- A suggestion, not a preferred fix: the principal is passed in by the module's caller.
  check(action ~= nil, 'no code action adding principalType')
  check(not action.isPreferred, 'preferred: a module shared by callers is not fixed for one of them')
  vim.lsp.util.apply_workspace_edit(action.edit, 'utf-16')

  local lines = vim.api.nvim_buf_get_lines(buf, 0, -1, false)
  check(lines[13] == "    principalType: 'ServicePrincipal'", 'line 13 after the fix: ' .. tostring(lines[13]))
  check(vim.wait(30000, function() return not has('missing-principal-type') end, 50), 'the fixed buffer still has: ' .. codes())

  -- Hover on the role assignment.
  local hover = vim.lsp.buf_request_sync(buf, 'textDocument/hover', {
    textDocument = { uri = vim.uri_from_bufnr(buf) }, position = { line = 7, character = 2 },
  }, 30000)
  local text = ''
  for _, r in pairs(hover or {}) do
    if r.result then text = r.result.contents.value end
  end
  check(string.find(text, "Key Vault Secrets User", 1, true) ~= nil, 'hover: ' .. text)
  finish('ok')
end)
if not ok then finish('FAIL: ' .. tostring(err)) end
