import { defineConfig } from 'vite';

// One page for both routes: Meet.Host serves index.html for "/" and "/j/{meetingId}", so asset URLs
// must be absolute ("/assets/...") to resolve from the nested route.
export default defineConfig({
  base: '/',
  logLevel: 'warn',
  build: {
    outDir: '../wwwroot',
    emptyOutDir: true,
    sourcemap: true,
    target: 'es2022',
    rollupOptions: {
      onwarn(warning, warn) {
        // @microsoft/signalr's ESM build carries /*#__PURE__*/ comments Rollup cannot place.
        if (warning.code === 'INVALID_ANNOTATION') return;
        warn(warning);
      },
    },
  },
  server: {
    // `npm run dev` next to `dotnet run --project Meet.Host` (default port 5000).
    proxy: {
      '/v1': 'http://127.0.0.1:5000',
      '/hubs': { target: 'http://127.0.0.1:5000', ws: true },
    },
  },
});
