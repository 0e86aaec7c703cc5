/**
 * A long Python file for the long-file test and the first-view and CLI benchmarks: several
 * times the bundled model's 512-token context, generated (deterministically) rather than
 * committed. Small functions of a few shapes, with names and numbers that vary, so that the
 * text reads like code without repeating one passage.
 */

/** Its name in the e2e workspace. */
export const LONG_FILE = 'long.py';

const VERBS = ['scale', 'merge', 'filter', 'count', 'shift', 'split', 'rank', 'clip'];
const NOUNS = ['points', 'rows', 'scores', 'tokens', 'pairs', 'events', 'words', 'ranges'];

/** Function `i`: nine lines (eight and a blank), one of four shapes. */
function block(i: number): string[] {
  const name = `${VERBS[i % VERBS.length]}_${NOUNS[(i * 3) % NOUNS.length]}_${i}`;
  const items = NOUNS[(i * 5 + 1) % NOUNS.length];
  const k = 2 + ((i * 7) % 9);
  switch (i % 4) {
    case 0:
      return [
        `def ${name}(${items}, factor=${k}):`,
        `    """Multiply each value by factor; drop the negative ones."""`,
        '    result = []',
        `    for value in ${items}:`,
        '        if value * factor < 0:',
        '            continue',
        '        result.append(value * factor)',
        '    return result',
      ];
    case 1:
      return [
        `def ${name}(${items}, limit=${k * 10}):`,
        `    """Count how often each key occurs, up to limit keys."""`,
        '    counts = {}',
        `    for key in ${items}[:limit]:`,
        '        counts[key] = counts.get(key, 0) + 1',
        '    ordered = sorted(counts.items(), key=lambda kv: -kv[1])',
        `    print(f"${name}: {len(ordered)} keys")`,
        '    return dict(ordered)',
      ];
    case 2:
      return [
        `class ${name.replace(/(^|_)(\w)/g, (_, __, c: string) => c.toUpperCase())}:`,
        `    """Keeps the last ${k} ${items} and their running total."""`,
        '    def __init__(self):',
        `        self.window = []`,
        '        self.total = 0',
        '    def push(self, value):',
        `        self.window = (self.window + [value])[-${k}:]`,
        '        self.total = sum(self.window)',
      ];
    default:
      return [
        `def ${name}(text, width=${k * 8}):`,
        `    """Split text into lines no wider than width, on spaces."""`,
        '    lines = [""]',
        '    for word in text.split():',
        '        if len(lines[-1]) + len(word) + 1 > width:',
        '            lines.append("")',
        '        lines[-1] = (lines[-1] + " " + word).strip()',
        '    return lines',
      ];
  }
}

/** The file's text: a docstring and 37 blocks, 335 lines, each ending in a newline. */
export function longSource(): string {
  const lines: string[] = ['"""Small helpers for tables of numbers and words."""', ''];
  for (let i = 0; i < 37; i++) lines.push(...block(i), '');
  return `${lines.join('\n')}\n`;
}

/** How many lines `longSource()` has (the last one ends in a newline). */
export const LONG_LINES = longSource().split('\n').length - 1;
