import { noEndpoint } from '@/lib/http/responses';

/** Any /api/ address that names no endpoint: a JSON 404, as every API error is JSON (docs/api.md). */
export const { GET, POST, PUT, PATCH, DELETE } = noEndpoint();
