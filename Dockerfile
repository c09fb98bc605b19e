# The bridge as a container image (used by docker-compose.yml).
#   docker build -t genesys-whatsapp-bridge .
# Two stages: compile with the dev dependencies, ship only the production ones.

FROM node:20-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
RUN npm run build

FROM node:20-slim
ENV NODE_ENV=production
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev && npm cache clean --force
COPY --from=build /app/dist ./dist
# `serve` applies these at start (src/infra/migrations.ts reads <app>/migrations)
COPY migrations ./migrations
# The bridge binds 127.0.0.1 by default; inside a container it must listen on every interface. The internal
# listener (State Manager, audit, admin, /readyz, /metrics) too, so that probes and sidecars reach it: publish its
# port only to a private network, never next to the public one.
ENV HOST=0.0.0.0 \
    PORT=3000 \
    INTERNAL_HOST=0.0.0.0 \
    INTERNAL_PORT=3001
EXPOSE 3000 3001
USER node
CMD ["node", "dist/cli/main.js", "serve"]
