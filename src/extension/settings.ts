import * as vscode from 'vscode';
import { readSettings, type ExtensionSettings } from './settings-map';

/** `gradientLens.*` for this resource (folder settings apply), read fresh on every call. */
export function getSettings(resource?: vscode.Uri): ExtensionSettings {
  const config = vscode.workspace.getConfiguration('gradientLens', resource);
  return readSettings(<T>(key: string) => config.get<T>(key));
}
