// Starts `indicia lsp` (the binary named by the `indicia.server.path` setting) for .ind files.
const vscode = require("vscode");
const { LanguageClient } = require("vscode-languageclient/node");

let client;

function activate(context) {
  const command = vscode.workspace.getConfiguration("indicia").get("server.path", "indicia");
  const server = { command, args: ["lsp"] };
  client = new LanguageClient(
    "indicia",
    "indicia language server",
    { run: server, debug: server },
    { documentSelector: [{ scheme: "file", language: "indicia" }] }
  );
  context.subscriptions.push(client);
  return client.start();
}

function deactivate() {
  return client ? client.stop() : undefined;
}

module.exports = { activate, deactivate };
