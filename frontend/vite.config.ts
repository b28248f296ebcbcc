import { defineConfig, type ProxyOptions } from 'vite';
import react from '@vitejs/plugin-react';

// `npm run dev` proxies the API, WebSocket and downloads to a running backend.
const backend = process.env.FRONTDESK_BACKEND_URL ?? 'http://127.0.0.1:8000';

// The backend accepts browsers only from its public URL (WebSocket Origin check): requests
// through this proxy present the backend's own origin.
const sameOrigin: ProxyOptions = {
  target: backend,
  changeOrigin: true,
  configure(proxy) {
    proxy.on('proxyReq', (req) => {
      if (req.getHeader('origin')) req.setHeader('origin', new URL(backend).origin);
    });
    proxy.on('proxyReqWs', (req) => req.setHeader('origin', new URL(backend).origin));
  },
};

export default defineConfig({
  plugins: [react()],
  server: {
    port: Number(process.env.PORT ?? 5173),
    proxy: {
      '/graphql': { ...sameOrigin, ws: true },
      '/files': sameOrigin,
      '/healthz': sameOrigin,
    },
  },
  build: { outDir: 'dist', sourcemap: false, chunkSizeWarningLimit: 1500 },
});
