import {
  isObjectType,
  Kind,
  parse,
  print,
  TypeInfo,
  visit,
  visitWithTypeInfo,
  type ArgumentNode,
  type DocumentNode,
  type GraphQLSchema,
} from 'graphql';
import { junctionError } from '../errors';
import type { GraphQLError } from 'graphql';

/**
 * Guards against a known @apollo/query-planner defect (apollographql/federation#2996): when a field is
 * `@requires(fields: "f(arg: X)")` and the client selects `f(arg: Y)` unaliased on the same type, the planner
 * fetches only one of the two and serves it for both — silently wrong data. Until the planner is fixed,
 * such operations are refused with a clear error (an alias on the client's field avoids the defect).
 */
export interface RequiresConflicts {
  /** undefined when the operation is safe to plan. */
  check(document: DocumentNode, schema: GraphQLSchema): GraphQLError | undefined;
}

interface RequiredWithArgs {
  /** The field that has the @requires. */
  requiring: string;
  /** The required field's arguments, printed for comparison. */
  args: string;
}

/** Reads every `@join__field(requires: …)` of the supergraph whose required fields take arguments. */
export function requiresConflictsOf(supergraphSchema: GraphQLSchema): RequiresConflicts {
  // type name → required field name → what requires it and with which arguments
  const byType = new Map<string, Map<string, RequiredWithArgs[]>>();
  for (const type of Object.values(supergraphSchema.getTypeMap())) {
    if (!isObjectType(type)) continue;
    for (const field of Object.values(type.getFields())) {
      for (const directive of field.astNode?.directives ?? []) {
        if (directive.name.value !== 'join__field') continue;
        const requires = directive.arguments?.find((a) => a.name.value === 'requires');
        if (requires?.value.kind !== Kind.STRING) continue;
        for (const sel of parse(`{ ${requires.value.value} }`).definitions.flatMap((d) => (d.kind === Kind.OPERATION_DEFINITION ? d.selectionSet.selections : []))) {
          if (sel.kind !== Kind.FIELD || !sel.arguments?.length) continue;
          const fields = byType.get(type.name) ?? new Map<string, RequiredWithArgs[]>();
          byType.set(type.name, fields);
          const list = fields.get(sel.name.value) ?? [];
          list.push({ requiring: field.name, args: printArgs(sel.arguments) });
          fields.set(sel.name.value, list);
        }
      }
    }
  }
  if (byType.size === 0) return { check: () => undefined };
  return {
    check(document, schema) {
      // Over-approximates by type rather than by path: a refusal is safe, wrong data is not.
      const selected = new Map<string, Set<string>>();
      const unaliasedWithArgs: Array<{ type: string; field: string; args: string }> = [];
      const typeInfo = new TypeInfo(schema);
      visit(
        document,
        visitWithTypeInfo(typeInfo, {
          Field(node) {
            const parent = typeInfo.getParentType();
            if (!parent || !byType.has(parent.name)) return;
            const set = selected.get(parent.name) ?? new Set<string>();
            set.add(node.name.value);
            selected.set(parent.name, set);
            if (!node.alias && node.arguments?.length) unaliasedWithArgs.push({ type: parent.name, field: node.name.value, args: printArgs(node.arguments) });
          },
        }),
      );
      for (const { type, field, args } of unaliasedWithArgs) {
        for (const required of byType.get(type)?.get(field) ?? []) {
          if (required.args !== args && selected.get(type)?.has(required.requiring)) {
            return junctionError(
              'QUERY_PLANNING_FAILED',
              `"${type}.${field}" is selected with arguments other than those "${type}.${required.requiring}" requires; alias it (e.g. "my${capitalise(field)}: ${field}${args}") to get both values.`,
            );
          }
        }
      }
      return undefined;
    },
  };
}

function printArgs(args: readonly ArgumentNode[]): string {
  return `(${[...args].sort((a, b) => a.name.value.localeCompare(b.name.value)).map((a) => `${a.name.value}: ${print(a.value)}`).join(', ')})`;
}

function capitalise(s: string): string {
  return s.charAt(0).toUpperCase() + s.slice(1);
}
