/**
 * The live notification feeds behind the sample's web page, as server-sent events that Spring
 * MVC and WebFlux both write: an event-only {@code @OnKeyEvent} handler keeps the last
 * notifications in memory and pushes them to browsers ({@code GET /api/notifications/stream}),
 * and {@code ReactiveKeyspaceNotifications.receive(...)} streams a key pattern's notifications
 * with the response's demand ({@code GET /api/notifications/live}).
 */
package io.keyspace.sample.feed;
