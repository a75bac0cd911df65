/**
 * Entry of dist/server.js, for clients that start the server with node directly: a language
 * server over the transport named on the command line (`--stdio`, `--node-ipc`, `--socket=PORT`).
 */
import { runServer } from './transport';

runServer(process.argv.slice(2));
