/**
 * JSON from a file someone else wrote (a connector definition, an offsets snapshot): its nesting is
 * bounded before it is parsed. JSON.parse itself takes any depth, but what reads the value afterwards
 * (validation, masking, JSON.stringify) recurses: `[[[…]]]` 100,000 deep ended `connectors validate`
 * with "Maximum call stack size exceeded" and lost the results of every other file.
 */

/** Deeper is refused: a connector definition nests three levels, an offsets snapshot five. */
export const MAX_JSON_DEPTH = 64;

/** `line L, column C` of a position in the text, for a message that says where. */
function lineAndColumn(text: string, index: number): string {
  const before = text.slice(0, index);
  const line = before.split('\n').length;
  return `line ${line}, column ${index - before.lastIndexOf('\n')}`;
}

/** The deepest nesting of arrays and objects in the text, counted outside strings; stops at the first level over `limit`. */
function nestingBeyond(text: string, limit: number): number | undefined {
  let depth = 0;
  let inString = false;
  for (let index = 0; index < text.length; index++) {
    const character = text[index];
    if (inString) {
      if (character === '\\') index++;
      else if (character === '"') inString = false;
    } else if (character === '"') inString = true;
    else if (character === '{' || character === '[') {
      if (++depth > limit) return index;
    } else if (character === '}' || character === ']') depth--;
  }
  return undefined;
}

/**
 * JSON.parse of text nested at most `maxDepth` levels; deeper text is refused with a SyntaxError
 * saying where, before anything recurses into it. One pass over the text, then JSON.parse.
 */
export function parseBoundedJson(text: string, maxDepth = MAX_JSON_DEPTH): unknown {
  const tooDeep = nestingBeyond(text, maxDepth);
  if (tooDeep !== undefined) throw new SyntaxError(`nested deeper than ${maxDepth} levels (at ${lineAndColumn(text, tooDeep)}): refused`);
  return JSON.parse(text);
}
