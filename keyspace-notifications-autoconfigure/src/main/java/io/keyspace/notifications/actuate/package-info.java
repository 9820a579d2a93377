/**
 * Operations support for Spring Boot applications: the {@code keyspaceNotifications} health
 * contributor, the Micrometer meters (the groups' too) and the handler observation. Names are
 * fixed (dashboards depend on them); no tag or detail carries a key name or a credential.
 */
package io.keyspace.notifications.actuate;
