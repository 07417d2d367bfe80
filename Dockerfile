# syntax=docker/dockerfile:1
# One image for every role: `docker run IMAGE api|worker|scheduler|migrate` (default: api).
#   docker build -t lucro .

# --- build: compile TypeScript to dist/ ------------------------------------------------------
FROM node:24-bookworm-slim AS build
WORKDIR /app
COPY package.json package-lock.json ./
RUN --mount=type=cache,target=/root/.npm npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY src ./src
RUN npm run build

# --- deps: production dependencies only -------------------------------------------------------
FROM node:24-bookworm-slim AS deps
WORKDIR /app
ENV NODE_ENV=production
COPY package.json package-lock.json ./
RUN --mount=type=cache,target=/root/.npm npm ci --omit=dev --no-audit --no-fund

# --- runtime ----------------------------------------------------------------------------------
FROM node:24-bookworm-slim AS runtime
# HOST=0.0.0.0: the app's default (127.0.0.1) would be unreachable from outside the container.
ENV NODE_ENV=production HOST=0.0.0.0 PORT=8000
WORKDIR /app
# Owned by root and read-only to the app user: the process cannot rewrite its own code.
COPY --from=deps /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY package.json ./
COPY bin ./bin
COPY migrations ./migrations
# The brand index the layered categorizer loads at start-up (npm run build:brands).
COPY data ./data
USER node
EXPOSE 8000
# No curl in slim images: node's fetch. The API answers /healthz on PORT, worker and scheduler on
# METRICS_PORT; whichever answers 200 first makes the container healthy.
HEALTHCHECK --interval=15s --timeout=5s --start-period=30s --retries=3 \
  CMD ["node", "-e", "const ports = [process.env.PORT, process.env.METRICS_PORT].filter(Boolean); Promise.any(ports.map((p) => fetch('http://127.0.0.1:' + p + '/healthz', { signal: AbortSignal.timeout(4000) }).then((r) => { if (!r.ok) throw new Error(String(r.status)); }))).then(() => process.exit(0), () => process.exit(1));"]
ENTRYPOINT ["node", "dist/cli/main.js"]
CMD ["api"]
