/**
 * The Spring-managed listener container: it owns the handlers' subscriptions (those with a
 * group through {@code NotificationGroups}), starts them once the application context is
 * refreshed and stops them first on shutdown; plus the endpoint it registers, the handler
 * wrapper that gives a handler its log name, the decorator that wraps every handler, and the
 * gap events.
 */
package io.keyspace.notifications.listener;
