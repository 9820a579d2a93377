package io.keyspace.notifications.autoconfigure;

import redis.clients.jedis.DefaultJedisClientConfig;

/**
 * Adjusts the Jedis client configuration of the keyspace subscriber connections after it has
 * been filled from {@code spring.data.redis.*}: for what those properties cannot express,
 * such as a credentials provider (rotating passwords, tokens), {@code SslOptions} or a
 * {@code HostAndPortMapper} (cluster nodes behind NAT). Every bean of this type is applied,
 * in {@code @Order}.
 * <p>
 * Protocol and socket timeout are set by the library on every connection (RESP2, and a read
 * timeout derived from {@code keyspace-notifications.health-check-interval}); values set
 * here for them have no effect. To change the credentials, set a credentials provider or
 * call {@code user}/{@code password} (Jedis ignores those two once a provider is set).
 */
@FunctionalInterface
public interface KeyspaceNotificationsClientConfigCustomizer {

	void customize(DefaultJedisClientConfig.Builder builder);

}
