# One image for every service; the command picks the process.
FROM node:22-bookworm-slim AS base
ENV PNPM_HOME=/pnpm PATH=/pnpm:$PATH CI=true
RUN npm install -g pnpm@10.34.8
WORKDIR /app

FROM base AS deps
COPY pnpm-lock.yaml pnpm-workspace.yaml package.json ./
COPY packages ./packages
COPY projections ./projections
COPY services ./services
COPY scripts ./scripts
RUN pnpm install --frozen-lockfile

FROM base AS runtime
COPY --from=deps /app /app
COPY tsconfig.base.json tsconfig.json ./
USER node
ENV NODE_ENV=production OPS_HOST=0.0.0.0 OPS_PORT=9464
EXPOSE 9464
CMD ["node", "--import", "tsx", "services/bot/src/main.ts"]
