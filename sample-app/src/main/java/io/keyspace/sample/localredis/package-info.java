/**
 * The sample's "no Redis needed" start: when the application configures no Redis, an
 * environment post-processor runs a throw-away {@code redis-server} (from the PATH, or the
 * static build inside the {@code org.signal:embedded-redis} jar) with keyspace notifications
 * enabled, points {@code spring.data.redis.*} at it, and stops it with the application. Not
 * part of the library: a real application configures its Redis in {@code spring.data.redis.*}.
 */
package io.keyspace.sample.localredis;
