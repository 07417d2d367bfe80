import { Type } from 'typebox';
import { PROBLEMS } from './problem.js';

/** Every `code` a problem may carry (contract §3, §4 and the sections after). */
const ProblemCode = Type.Union(Object.keys(PROBLEMS).map((code) => Type.Literal(code)), { description: 'Stable snake_case problem code' });

/** RFC 9457 problem details, as every error is answered. */
export const ProblemSchema = Type.Object(
  {
    type: Type.String(),
    title: Type.String(),
    status: Type.Integer(),
    detail: Type.String(),
    code: ProblemCode,
  },
  { additionalProperties: true, $id: 'Problem' },
);

export const ValidationProblemSchema = Type.Object(
  {
    type: Type.String(),
    title: Type.String(),
    status: Type.Integer(),
    detail: Type.String(),
    code: ProblemCode,
    errors: Type.Optional(Type.Array(Type.Object({ pointer: Type.String(), message: Type.String() }), { maxItems: 100 })),
  },
  { additionalProperties: true },
);
