/**
 * Spring Boot auto-configuration: builds the notifications bean (standalone, Sentinel,
 * master/replica or cluster) from the application's {@code spring.data.redis.*} connection
 * details and the {@code keyspace-notifications.*} properties, and the lazy notification
 * groups with their Redis client; wires the listener container and the {@code @OnKeyEvent}
 * post-processor, and explains startup failures.
 */
package io.keyspace.notifications.autoconfigure;
