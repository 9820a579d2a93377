/**
 * The Spring-managed listener container: it owns the handlers' subscriptions, starts them
 * once the application context is refreshed and stops them first on shutdown; plus the
 * endpoint it registers and the handler wrapper that gives a handler its log name.
 */
package io.keyspace.notifications.listener;
