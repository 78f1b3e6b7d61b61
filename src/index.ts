/**
 * The app's only entry: the handlers manifest.yml names, assembled in ./app.
 */
export { deployConsumer, handler, jqlFunction, scheduledCheck } from './app';
