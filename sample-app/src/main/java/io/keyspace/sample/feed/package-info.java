/**
 * The live notification feed behind the sample's web page: an event-only {@code @OnKeyEvent}
 * handler keeps the last notifications in memory and pushes them to browsers as server-sent
 * events ({@code GET /api/notifications/stream}).
 */
package io.keyspace.sample.feed;
