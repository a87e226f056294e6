import fp from 'fastify-plugin'
import swagger from '@fastify/swagger'

/**
 * OpenAPI document built from the route schemas, served at /api/openapi.json.
 * @see https://github.com/fastify/fastify-swagger
 */
export default fp(
  async (app) => {
    await app.register(swagger, {
      openapi: {
        openapi: '3.1.0',
        info: { title: '重庆专技人员继续教育 H5 API', version: '1.0.0' },
        components: {
          securitySchemes: {
            bearer: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' },
            staffBearer: { type: 'http', scheme: 'bearer', description: '工作人员会话令牌（POST /api/staff/session，密码加动态码）' },
          },
        },
      },
      // Only the public API is documented; the simulator and static files are not part of it.
      transform: ({ schema, url }) => ({ schema: url.startsWith('/api/') ? schema : { ...schema, hide: true }, url }),
    })
    app.get('/api/openapi.json', { schema: { hide: true } }, async () => app.swagger())
  },
  { name: 'openapi' },
)
