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
 * Guards against a known @apollo/query-planner defect (apollographql/federation#2996): the representation of an
 * entity carries one value per required field name, and the planner fetches a field once per name. So when a
 * field is `@requires(fields: "f(arg: X)")` (at any depth: `"category { f(arg: X) }"`) and, in the same
 * operation, the client selects `f(arg: Y)` unaliased, or another selected field requires `f(arg: Y)`, the
 * planner fetches only one of the two and serves it for both — silently wrong data. Until the planner is fixed,
 * such operations are refused with a clear error (an alias on the client's field avoids the first case; the
 * second needs two operations). Hive Router's planner aliases such fetches, but only at the top level of the
 * requires selection (see `nestedOnly`).
 */
export interface RequiresConflicts {
  /** undefined when the operation is safe to plan. */
  check(document: DocumentNode, schema: GraphQLSchema): GraphQLError | undefined;
}

interface RequiredWithArgs {
  /** The field that has the @requires, as "Type.field". */
  requiring: string;
  /** The required field's arguments, printed for comparison. */
  args: string;
}

export interface RequiresConflictsOptions {
  /**
   * Only requirements below the requiring entity (`"category { f(arg: X) }"`): Hive Router's planner aliases a
   * top-level required field fetched with two argument sets, but not a nested one (it then sends one value for
   * both), so the rust planner refuses only those.
   */
  nestedOnly?: boolean;
}

/** Reads every `@join__field(requires: …)` of the supergraph whose required fields (at any depth) take arguments. */
export function requiresConflictsOf(supergraphSchema: GraphQLSchema, options: RequiresConflictsOptions = {}): RequiresConflicts {
  // type name → required field name → what requires it and with which arguments
  const byType = new Map<string, Map<string, RequiredWithArgs[]>>();
  const record = (type: string, field: string, required: RequiredWithArgs) => {
    const fields = byType.get(type) ?? new Map<string, RequiredWithArgs[]>();
    byType.set(type, fields);
    fields.set(field, [...(fields.get(field) ?? []), required]);
  };
  for (const type of Object.values(supergraphSchema.getTypeMap())) {
    if (!isObjectType(type)) continue;
    for (const field of Object.values(type.getFields())) {
      for (const directive of field.astNode?.directives ?? []) {
        if (directive.name.value !== 'join__field') continue;
        const requires = directive.arguments?.find((a) => a.name.value === 'requires');
        if (requires?.value.kind !== Kind.STRING) continue;
        const requiring = `${type.name}.${field.name}`;
        // The requires selection is typed from the requiring type: walk it as a fragment on that type to find nested fields' parents.
        const typeInfo = new TypeInfo(supergraphSchema);
        let depth = 0;
        visit(
          parse(`fragment Required on ${type.name} { ${requires.value.value} }`),
          visitWithTypeInfo(typeInfo, {
            Field: {
              enter(node) {
                const parent = typeInfo.getParentType();
                if (parent && node.arguments?.length && (depth > 0 || !options.nestedOnly)) record(parent.name, node.name.value, { requiring, args: printArgs(node.arguments) });
                depth++;
              },
              leave() {
                depth--;
              },
            },
          }),
        );
      }
    }
  }
  if (byType.size === 0) return { check: () => undefined };
  return {
    check(document, schema) {
      // Over-approximates by type rather than by path: a refusal is safe, wrong data is not.
      const selected = new Set<string>();
      const unaliasedWithArgs: Array<{ type: string; field: string; args: string }> = [];
      const typeInfo = new TypeInfo(schema);
      visit(
        document,
        visitWithTypeInfo(typeInfo, {
          Field(node) {
            const parent = typeInfo.getParentType();
            if (!parent) return;
            selected.add(`${parent.name}.${node.name.value}`);
            if (byType.has(parent.name) && !node.alias && node.arguments?.length) unaliasedWithArgs.push({ type: parent.name, field: node.name.value, args: printArgs(node.arguments) });
          },
        }),
      );
      for (const { type, field, args } of unaliasedWithArgs) {
        for (const required of byType.get(type)?.get(field) ?? []) {
          if (required.args !== args && selected.has(required.requiring)) {
            return junctionError(
              'QUERY_PLANNING_FAILED',
              `"${type}.${field}" is selected with arguments other than those "${required.requiring}" requires; alias it (e.g. "my${capitalise(field)}: ${field}${args}") to get both values.`,
            );
          }
        }
      }
      for (const [type, fields] of byType) {
        for (const [field, requirements] of fields) {
          const active = requirements.filter((r) => selected.has(r.requiring));
          const other = active.find((r) => r.args !== active[0]?.args);
          if (active[0] && other) {
            return junctionError(
              'QUERY_PLANNING_FAILED',
              `"${active[0].requiring}" and "${other.requiring}" require "${type}.${field}" with different arguments; select them in separate operations.`,
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
