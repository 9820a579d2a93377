package io.keyspace.notifications.autoconfigure;

import java.time.Duration;
import java.util.concurrent.ThreadFactory;
import java.util.function.Consumer;
import javax.net.ssl.SSLParameters;

import io.keyspace.notifications.Backoff;
import io.keyspace.notifications.ConnectionSettings;
import io.keyspace.notifications.DispatchSettings;
import io.keyspace.notifications.NotificationErrorHandler;
import io.keyspace.notifications.NotificationOptions;
import io.keyspace.notifications.ResyncSettings;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.JedisClientConfig;

import org.springframework.boot.context.properties.source.InvalidConfigurationPropertyValueException;
import org.springframework.boot.data.redis.autoconfigure.DataRedisConnectionDetails;
import org.springframework.boot.data.redis.autoconfigure.DataRedisProperties;
import org.springframework.boot.ssl.SslBundle;
import org.springframework.boot.ssl.SslOptions;

/**
 * Translates Spring Boot's Redis connection details and our properties into the core
 * library's settings, so that Redis is configured once, in {@code spring.data.redis.*}.
 * A value the core rejects is reported with the property that holds it.
 */
final class KeyspaceNotificationsSettings {

	private static final Logger logger = LoggerFactory.getLogger(KeyspaceNotificationsSettings.class);

	private static final Duration MAX_SOCKET_TIMEOUT = Duration.ofDays(1);

	private static final Duration DEFAULT_TOPOLOGY_REFRESH_INTERVAL = Duration.ofSeconds(5);

	private static final String TOPOLOGY_REFRESH_INTERVAL = "keyspace-notifications.topology-refresh-interval";

	private static final String DEPRECATED_REFRESH_INTERVAL = "keyspace-notifications.cluster.refresh-interval";

	private KeyspaceNotificationsSettings() {
	}

	/**
	 * The Jedis client configuration from {@code spring.data.redis.*}, for the customizers to
	 * adjust. Credentials are set as user and password, not as a provider, so that a
	 * customizer can still replace them either way.
	 */
	static DefaultJedisClientConfig.Builder clientConfig(DataRedisConnectionDetails details, DataRedisProperties redis) {
		DefaultJedisClientConfig.Builder builder = DefaultJedisClientConfig.builder()
			.user(details.getUsername())
			.password(details.getPassword())
			.clientName(redis.getClientName());
		int database = database(details);
		if (database < 0) {
			throw new InvalidConfigurationPropertyValueException("spring.data.redis.database", database,
					"must not be negative");
		}
		builder.database(database);
		SslBundle bundle = details.getSslBundle();
		if (bundle != null) {
			builder.ssl(true).sslSocketFactory(bundle.createSslContext().getSocketFactory());
			builder.sslParameters(sslParameters(bundle.getOptions()));
		}
		else if (redis.getUrl() != null && redis.getUrl().startsWith("rediss://")) {
			builder.ssl(true);
		}
		if (redis.getConnectTimeout() != null) {
			Duration connectTimeout = socketTimeout("spring.data.redis.connect-timeout",
					positive("spring.data.redis.connect-timeout", redis.getConnectTimeout()));
			builder.connectionTimeoutMillis(Math.toIntExact(connectTimeout.toMillis()));
		}
		return builder;
	}

	/** Our own connection settings on top of the (customized) Jedis client configuration. */
	static ConnectionSettings connection(JedisClientConfig clientConfig, DataRedisProperties redis,
			KeyspaceNotificationsProperties properties) {
		ConnectionSettings.Builder builder = ConnectionSettings.builder(clientConfig);
		apply("spring.data.redis.timeout", socketTimeout("spring.data.redis.timeout", redis.getTimeout()),
				builder::commandTimeout);
		apply("keyspace-notifications.health-check-interval",
				socketTimeout("keyspace-notifications.health-check-interval", properties.getHealthCheckInterval()),
				builder::healthCheckInterval);
		KeyspaceNotificationsProperties.Reconnect reconnect = properties.getReconnect();
		Duration initial = positive("keyspace-notifications.reconnect.initial-backoff", reconnect.getInitialBackoff());
		apply("keyspace-notifications.reconnect.max-backoff", reconnect.getMaxBackoff(),
				(max) -> builder.backoff(new Backoff(initial, max)));
		return builder.build();
	}

	/**
	 * How to reach the sentinels, as Spring Data Redis does: the data nodes' TLS, client name
	 * and timeouts (with whatever the customizers set), but the sentinels' own user and
	 * password ({@code spring.data.redis.sentinel.username/password}; none when unset), which
	 * replace the data nodes' credentials and any credentials provider.
	 */
	static ConnectionSettings sentinelConnection(ConnectionSettings data, DataRedisConnectionDetails.Sentinel sentinel) {
		return ConnectionSettings.builder(data.clientConfig())
			.username(sentinel.getUsername())
			.password(sentinel.getPassword())
			.database(0)
			.commandTimeout(data.commandTimeout())
			.healthCheckInterval(data.healthCheckInterval())
			.backoff(data.backoff())
			.build();
	}

	/** The application's database, as Spring Boot selects it for the setup ({@link RedisSetup#database}). */
	static int database(DataRedisConnectionDetails details) {
		return RedisSetup.of(details).database(details);
	}

	/**
	 * The topology refresh interval: {@code topology-refresh-interval} when set, else the
	 * deprecated {@code cluster.refresh-interval} when set, else 5 s. Read for Sentinel,
	 * master/replica and cluster setups only; a WARN then asks to move off the deprecated
	 * property when it is set.
	 */
	@SuppressWarnings("deprecation")
	static Duration topologyRefreshInterval(KeyspaceNotificationsProperties properties) {
		Duration current = properties.getTopologyRefreshInterval();
		Duration deprecated = properties.getCluster().getRefreshInterval();
		if (deprecated != null && current != null) {
			logger.warn("{} is deprecated and ignored: {} is set. Remove {}.", DEPRECATED_REFRESH_INTERVAL,
					TOPOLOGY_REFRESH_INTERVAL, DEPRECATED_REFRESH_INTERVAL);
		}
		else if (deprecated != null) {
			logger.warn("{} is deprecated: rename it to {}, which applies to Sentinel and master/replica setups too.",
					DEPRECATED_REFRESH_INTERVAL, TOPOLOGY_REFRESH_INTERVAL);
			return positive(DEPRECATED_REFRESH_INTERVAL, deprecated);
		}
		return (current != null) ? positive(TOPOLOGY_REFRESH_INTERVAL, current) : DEFAULT_TOPOLOGY_REFRESH_INTERVAL;
	}

	static NotificationOptions.Builder options(KeyspaceNotificationsProperties properties,
			NotificationErrorHandler errorHandler, ThreadFactory handlerThreads) {
		KeyspaceNotificationsProperties.Dispatch dispatch = properties.getDispatch();
		// Checked one property at a time so that the report names the value that is wrong;
		// DispatchSettings would only say which rule failed.
		int concurrency = (dispatch.getConcurrency() != null) ? dispatch.getConcurrency()
				: DispatchSettings.DEFAULT.concurrency();
		atLeast("keyspace-notifications.dispatch.concurrency", concurrency, 1, "must be at least 1");
		atLeast("keyspace-notifications.dispatch.queue-capacity", dispatch.getQueueCapacity(), concurrency,
				"must be at least keyspace-notifications.dispatch.concurrency (" + concurrency + ")");
		notNegative("keyspace-notifications.dispatch.block-timeout", dispatch.getBlockTimeout());
		notNegative("keyspace-notifications.dispatch.shutdown-timeout", dispatch.getShutdownTimeout());
		DispatchSettings settings = new DispatchSettings(concurrency, dispatch.getQueueCapacity(),
				dispatch.getOverflow(), dispatch.getBlockTimeout(), dispatch.getShutdownTimeout(), dispatch.isInline());
		KeyspaceNotificationsProperties.Resync resync = properties.getResync();
		atLeast("keyspace-notifications.resync.batch-size", resync.getBatchSize(), 1, "must be at least 1");
		atLeast("keyspace-notifications.resync.keys-per-second", resync.getKeysPerSecond(), 0,
				"must be 0 (no limit) or more");
		NotificationOptions.Builder options = NotificationOptions.builder()
			.keyPrefix(properties.getKeyPrefix())
			.dispatch(settings)
			.errorHandler(errorHandler)
			.serverConfig(properties.getServerConfig())
			.serverConfigCheckInterval(properties.getServerConfigCheckInterval())
			.failFast(properties.isFailFast())
			.readFrom(properties.getReadFrom())
			.standbyReplicas(properties.isStandbyReplicas())
			.resync(new ResyncSettings(resync.getBatchSize(), resync.getKeysPerSecond()));
		if (handlerThreads != null) {
			options.handlerThreadFactory(handlerThreads);
		}
		return options;
	}

	private static SSLParameters sslParameters(SslOptions options) {
		SSLParameters parameters = new SSLParameters();
		if (options.getCiphers() != null) {
			parameters.setCipherSuites(options.getCiphers());
		}
		if (options.getEnabledProtocols() != null) {
			parameters.setProtocols(options.getEnabledProtocols());
		}
		return parameters;
	}

	private static <T> void apply(String property, T value, Consumer<T> setter) {
		if (value == null) {
			return;
		}
		try {
			setter.accept(value);
		}
		catch (IllegalArgumentException ex) {
			throw new InvalidConfigurationPropertyValueException(property, value, ex.getMessage());
		}
	}

	private static void atLeast(String property, int value, int minimum, String rule) {
		if (value < minimum) {
			throw new InvalidConfigurationPropertyValueException(property, value, rule);
		}
	}

	private static void notNegative(String property, Duration value) {
		if (value == null || value.isNegative()) {
			throw new InvalidConfigurationPropertyValueException(property, value, "must not be negative");
		}
	}

	/**
	 * Socket timeouts are int milliseconds, and the read timeout adds up two health-check
	 * intervals and the command timeout: a day each keeps every sum in range.
	 */
	private static Duration socketTimeout(String property, Duration value) {
		if (value != null && value.compareTo(MAX_SOCKET_TIMEOUT) > 0) {
			throw new InvalidConfigurationPropertyValueException(property, value, "must be at most " + MAX_SOCKET_TIMEOUT);
		}
		return value;
	}

	static Duration positive(String property, Duration value) {
		if (value == null || value.isNegative() || value.isZero()) {
			throw new InvalidConfigurationPropertyValueException(property, value, "must be a positive duration");
		}
		return value;
	}

}
