// Opening the user's browser — only where there is one: a desktop session on Linux (DISPLAY / WAYLAND_DISPLAY),
// or macOS / Windows. On a headless machine the URL printed to stderr is the way in.
import { spawn } from 'node:child_process';

export function hasBrowser(
  env: NodeJS.ProcessEnv = process.env,
  platform: NodeJS.Platform = process.platform,
): boolean {
  if (platform === 'darwin' || platform === 'win32') return true;
  return Boolean(env.DISPLAY || env.WAYLAND_DISPLAY);
}

function defaultOpener(platform: NodeJS.Platform): { command: string; args: string[] } {
  if (platform === 'darwin') return { command: 'open', args: [] };
  if (platform === 'win32') return { command: 'rundll32', args: ['url.dll,FileProtocolHandler'] };
  return { command: 'xdg-open', args: [] };
}

/**
 * Starts the browser on `url` without waiting for it; resolves false when the command could not be started
 * (the caller has printed the URL anyway). The URL is one argv element, never a shell string.
 */
export function openBrowser(url: string, browserCommand?: string): Promise<boolean> {
  const opener = browserCommand ? { command: browserCommand, args: [] } : defaultOpener(process.platform);
  return new Promise((resolve) => {
    const child = spawn(opener.command, [...opener.args, url], { stdio: 'ignore', detached: true });
    child.once('error', () => resolve(false));
    child.once('spawn', () => {
      child.unref();
      resolve(true);
    });
  });
}

/** Provider-supplied text for the terminal, without control characters (no escape sequences), bounded. */
export function printable(text: string, max = 2048): string {
  let out = '';
  for (const ch of text) {
    const code = ch.codePointAt(0)!;
    if (code < 0x20 || (code >= 0x7f && code <= 0x9f)) continue;
    out += ch;
    if (out.length >= max) break;
  }
  return out;
}
