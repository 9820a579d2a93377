/**
 * The Spring-managed listener container: it owns the handlers' subscriptions, starts them
 * once the application context is refreshed and stops them first on shutdown; plus the small
 * handler wrappers (client-side filter, name) it registers.
 */
package io.keyspace.notifications.listener;
