// The KRL extension: starts `krl lsp` for .krl files and adds two commands, one that runs
// `krl check` on the current file and one that asks a pico engine to reload the ruleset.

import { execFile } from "child_process";
import * as vscode from "vscode";
import {
  LanguageClient,
  LanguageClientOptions,
  ServerOptions,
  TransportKind,
} from "vscode-languageclient/node";

let client: LanguageClient | undefined;

function serverPath(): string {
  return vscode.workspace.getConfiguration("krl").get<string>("serverPath") || "krl";
}

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  const output = vscode.window.createOutputChannel("KRL");
  context.subscriptions.push(output);

  const command = serverPath();
  const serverOptions: ServerOptions = {
    run: { command, args: ["lsp"], transport: TransportKind.stdio },
    debug: { command, args: ["lsp"], transport: TransportKind.stdio },
  };
  const clientOptions: LanguageClientOptions = {
    documentSelector: [{ scheme: "file", language: "krl" }, { scheme: "untitled", language: "krl" }],
    outputChannel: output,
  };
  client = new LanguageClient("krl", "KRL language server", serverOptions, clientOptions);
  try {
    await client.start();
  } catch (err) {
    vscode.window.showErrorMessage(
      `Could not start \`${command} lsp\`: ${err}. Set \`krl.serverPath\` to the krl binary.`,
    );
  }

  context.subscriptions.push(
    vscode.commands.registerCommand("krl.checkFile", () => checkFile(output)),
    vscode.commands.registerCommand("krl.sendToEngine", () => sendToEngine(output)),
    vscode.workspace.onDidChangeConfiguration(async (event) => {
      if (event.affectsConfiguration("krl.serverPath")) {
        const choice = await vscode.window.showInformationMessage(
          "`krl.serverPath` changed: reload the window to restart the language server.",
          "Reload",
        );
        if (choice === "Reload") {
          vscode.commands.executeCommand("workbench.action.reloadWindow");
        }
      }
    }),
  );
}

export async function deactivate(): Promise<void> {
  if (client) {
    await client.stop();
  }
}

function activeKrlDocument(): vscode.TextDocument | undefined {
  const document = vscode.window.activeTextEditor?.document;
  if (!document || document.languageId !== "krl") {
    vscode.window.showWarningMessage("Open a .krl file first.");
    return undefined;
  }
  return document;
}

/** Runs `krl check FILE` and shows its report. */
async function checkFile(output: vscode.OutputChannel): Promise<void> {
  const document = activeKrlDocument();
  if (!document) {
    return;
  }
  if (document.isDirty) {
    await document.save();
  }
  execFile(serverPath(), ["check", document.uri.fsPath], (error, stdout, stderr) => {
    output.clear();
    output.append(stdout);
    output.append(stderr);
    output.show(true);
    if (error && error.code !== 1) {
      vscode.window.showErrorMessage(`krl check could not run: ${error.message}`);
    } else if (error) {
      vscode.window.showWarningMessage("krl check found problems (see the KRL output).");
    } else {
      vscode.window.showInformationMessage("krl check: no problems.");
    }
  });
}

/** The ruleset id of a KRL source: the word sequence after `ruleset`. */
export function rulesetId(text: string): string | undefined {
  const match = /\bruleset\s+([A-Za-z_$][\w$]*(?:[.-][\w$]+)*)/.exec(text);
  return match ? match[1] : undefined;
}

/** Asks the engine to reload the ruleset from its URL: POST `<engineUrl>/api/flush`. */
async function sendToEngine(output: vscode.OutputChannel): Promise<void> {
  const document = activeKrlDocument();
  if (!document) {
    return;
  }
  const rid = rulesetId(document.getText());
  if (!rid) {
    vscode.window.showErrorMessage("No `ruleset <rid>` found in this file.");
    return;
  }
  if (document.isDirty) {
    await document.save();
  }
  const engineUrl = (vscode.workspace.getConfiguration("krl").get<string>("engineUrl") ||
    "http://localhost:3000").replace(/\/+$/, "");
  const url = `${engineUrl}/api/flush`;
  try {
    const response = await fetch(url, {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ rid, url: document.uri.toString() }),
    });
    const body = await response.text();
    output.appendLine(`POST ${url} (${rid}) -> ${response.status} ${body}`);
    if (response.ok) {
      vscode.window.showInformationMessage(`Sent \`${rid}\` to ${engineUrl}.`);
    } else {
      vscode.window.showErrorMessage(`The engine answered ${response.status}: ${body}`);
    }
  } catch (err) {
    vscode.window.showErrorMessage(`Could not reach ${url}: ${err}`);
  }
}
