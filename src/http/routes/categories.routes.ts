import type { ApiInstance } from '../api-instance.js';
import { Type } from 'typebox';
import { CATEGORIES, CATEGORY_NAMES } from '../../domain/taxonomy.js';
import { problems } from '../schemas.js';

const CategoryList = Type.Object({
  categories: Type.Array(Type.Object({ category: Type.Unsafe<string>({ type: 'string', enum: CATEGORY_NAMES }), description: Type.String() })),
});

const body = { categories: CATEGORY_NAMES.map((category) => ({ category, description: CATEGORIES[category] })) };

export function categoryRoutes(app: ApiInstance): void {
  app.get(
    '/api/categories',
    {
      schema: {
        operationId: 'listCategories',
        summary: 'The categories a transaction can get (Plaid PFC v1 primaries, plus UNCATEGORIZED)',
        tags: ['reference'],
        response: { 200: CategoryList, ...problems(['unauthorized']) },
      },
    },
    async () => body,
  );
}
