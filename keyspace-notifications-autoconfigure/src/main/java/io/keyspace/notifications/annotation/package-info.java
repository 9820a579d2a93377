/**
 * {@link io.keyspace.notifications.annotation.OnKeyEvent} and what turns an annotated method
 * into a handler: discovery on every bean, channel building (server-side channel plus
 * client-side filter), argument resolution, and startup errors that name the method.
 */
package io.keyspace.notifications.annotation;
