/** Chapter 4's watches, client-safe and pure: Kibana's threshold watch, the SSH watch, the watch state, plain-words records and recognition. */
export * from './threshold';
export * from './state';
export * from './explain';
export * from './recognise';
export * from './ssh-watch';
