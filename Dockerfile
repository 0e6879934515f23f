# syntax=docker/dockerfile:1
# authshift: one image for the monolith (default CMD) and the proxy (its entry point under dist/proxy/).
# Multi-stage: compile TypeScript with dev dependencies, ship production dependencies only.

FROM node:26-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
COPY proxy ./proxy
COPY migrations ./migrations
COPY seeders ./seeders
RUN npm run build

FROM node:26-slim AS runtime
ENV NODE_ENV=production
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --omit=dev --no-audit --no-fund && npm cache clean --force
COPY --from=build /app/dist ./dist
# The dashboard's page files are served from the source tree (plain ES modules, no build step).
COPY proxy/admin/public ./proxy/admin/public
# SECURITY: run as the unprivileged user the Node image provides, never as root.
USER node
EXPOSE 3000
HEALTHCHECK --interval=10s --timeout=3s --start-period=20s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.PORT||3000)+'/healthz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
# Migrations run (under their advisory lock) before the server starts; exec keeps signals direct.
CMD ["sh", "-c", "node dist/src/cli/migrate.js up && exec node dist/src/main.js"]
