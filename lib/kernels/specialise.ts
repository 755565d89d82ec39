/**
 * V8 keeps type feedback per function. A sort loop that has met several element types (or numbers
 * and bigints) turns polymorphic and runs several times slower on every type afterwards: 1e6
 * random Float64 took 4–7× longer once the same loops had sorted the other ten types. So each
 * element type gets its own copy of a kernel's functions, compiled from their source text, and
 * every copy only ever sees one type.
 *
 * The functions in a group may refer only to each other, to the given numeric constants and to
 * globals. Where code generation from strings is disallowed, or the code has been minified, the
 * shared originals are used: slower, same results.
 */
export function specialiser<Group extends Record<string, Function>>(
  group: Group,
  constants: Record<string, number>,
): (array: object) => Group {
  const copies = new Map<Function, Group>();
  return (array) => {
    const type = array.constructor;
    let copy = copies.get(type);
    if (copy === undefined) {
      copy = compileCopy(group, constants, type.name);
      copies.set(type, copy);
    }
    return copy;
  };
}

function compileCopy<Group extends Record<string, Function>>(
  group: Group,
  constants: Record<string, number>,
  typeName: string,
): Group {
  const functions = Object.values(group).map(String);
  // A minifier renames functions and constants, and a renamed copy would not link up with the
  // prelude below; the names as written are the sign that the source text can be reused.
  const intact =
    Object.entries(group).every(([name, fn]) => fn.name === name) &&
    Object.keys(constants).every((name) => functions.some((text) => text.includes(name)));
  if (!intact) return group;
  const source = [
    // The name makes each copy's source distinct: V8 may hand back the code (and type feedback)
    // of an earlier compilation of identical source text.
    `// ${JSON.stringify(typeName)}`,
    ...Object.entries(constants).map(([name, value]) => `const ${name} = ${value};`),
    ...functions,
    `return { ${Object.keys(group).join(', ')} };`,
  ].join('\n');
  try {
    return new Function(source)() as Group;
  } catch (error) {
    if (error instanceof EvalError) return group; // --disallow-code-generation-from-strings
    throw error;
  }
}
