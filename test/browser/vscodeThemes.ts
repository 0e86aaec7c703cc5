/**
 * The --vscode-* variables a real VS Code sets on a webview, for the three theme kinds the
 * tests use (values from VS Code's Light Modern, Dark Modern and High Contrast themes).
 */

/** Theme kinds and the body class VS Code gives each. */
export const THEMES = {
  light: 'vscode-light',
  dark: 'vscode-dark',
  'high-contrast': 'vscode-high-contrast',
} as const;

export type ThemeName = keyof typeof THEMES;

const common = {
  '--vscode-font-family': 'system-ui, "Segoe UI", "Ubuntu", "Droid Sans", sans-serif',
  '--vscode-font-size': '13px',
  '--vscode-editor-font-family': '"DejaVu Sans Mono", "Droid Sans Mono", monospace',
};

const VARIABLES: Record<ThemeName, Record<string, string>> = {
  light: {
    '--vscode-foreground': '#3b3b3b',
    '--vscode-editor-foreground': '#3b3b3b',
    '--vscode-editor-background': '#ffffff',
    '--vscode-descriptionForeground': '#717171',
    '--vscode-focusBorder': '#005fb8',
    '--vscode-panel-border': '#e5e5e5',
    '--vscode-textLink-foreground': '#005fb8',
    '--vscode-editorLink-activeForeground': '#005fb8',
    '--vscode-button-secondaryBackground': '#e5e5e5',
    '--vscode-button-secondaryForeground': '#3b3b3b',
    '--vscode-button-secondaryHoverBackground': '#cccccc',
    '--vscode-dropdown-background': '#ffffff',
    '--vscode-dropdown-border': '#cecece',
    '--vscode-input-background': '#ffffff',
    '--vscode-editorHoverWidget-background': '#f8f8f8',
    '--vscode-editorHoverWidget-border': '#c8c8c8',
    '--vscode-panelTitle-activeBorder': '#005fb8',
    '--vscode-badge-background': '#cccccc',
    '--vscode-badge-foreground': '#3b3b3b',
  },
  dark: {
    '--vscode-foreground': '#cccccc',
    '--vscode-editor-foreground': '#cccccc',
    '--vscode-editor-background': '#1f1f1f',
    '--vscode-descriptionForeground': '#9d9d9d',
    '--vscode-focusBorder': '#0078d4',
    '--vscode-panel-border': '#2b2b2b',
    '--vscode-textLink-foreground': '#4daafc',
    '--vscode-editorLink-activeForeground': '#4daafc',
    '--vscode-button-secondaryBackground': '#313131',
    '--vscode-button-secondaryForeground': '#cccccc',
    '--vscode-button-secondaryHoverBackground': '#3c3c3c',
    '--vscode-dropdown-background': '#313131',
    '--vscode-dropdown-border': '#3c3c3c',
    '--vscode-input-background': '#313131',
    '--vscode-editorHoverWidget-background': '#202020',
    '--vscode-editorHoverWidget-border': '#454545',
    '--vscode-panelTitle-activeBorder': '#0078d4',
    '--vscode-badge-background': '#616161',
    '--vscode-badge-foreground': '#f8f8f8',
  },
  'high-contrast': {
    '--vscode-foreground': '#ffffff',
    '--vscode-editor-foreground': '#ffffff',
    '--vscode-editor-background': '#000000',
    '--vscode-descriptionForeground': '#ffffff',
    '--vscode-focusBorder': '#f38518',
    '--vscode-contrastBorder': '#6fc3df',
    '--vscode-contrastActiveBorder': '#f38518',
    '--vscode-panel-border': '#6fc3df',
    '--vscode-textLink-foreground': '#21a6ff',
    '--vscode-button-secondaryBackground': '#000000',
    '--vscode-button-secondaryForeground': '#ffffff',
    '--vscode-button-border': '#6fc3df',
    '--vscode-dropdown-background': '#000000',
    '--vscode-dropdown-border': '#6fc3df',
    '--vscode-input-background': '#000000',
    '--vscode-editorHoverWidget-background': '#0c141f',
    '--vscode-editorHoverWidget-border': '#6fc3df',
    '--vscode-panelTitle-activeBorder': '#6fc3df',
    '--vscode-badge-background': '#000000',
    '--vscode-badge-foreground': '#ffffff',
  },
};

/** A stylesheet setting theme `name`'s variables on the root element. */
export function themeCss(name: ThemeName): string {
  const vars = { ...common, ...VARIABLES[name] };
  return `html {\n${Object.entries(vars)
    .map(([k, v]) => `  ${k}: ${v};`)
    .join('\n')}\n}\n`;
}
