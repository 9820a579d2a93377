package io.keyspace.notifications.autoconfigure;

import java.util.List;

import org.springframework.boot.data.redis.autoconfigure.DataRedisConnectionDetails;
import org.springframework.boot.ssl.SslBundle;
import org.springframework.data.redis.connection.RedisPassword;
import org.springframework.data.redis.connection.RedisSentinelConfiguration;

/**
 * The connection details with an application's {@link RedisSentinelConfiguration} bean in place
 * of {@code spring.data.redis.sentinel.*}, as Spring Boot's own Redis connection factory uses it:
 * the bean names the master, the sentinels and their credentials, and the data nodes' user,
 * password and database where it sets them. TLS stays the connection details'. Describes a
 * Sentinel setup only; holds no password in its {@code toString()}.
 */
final class SentinelConfigurationDetails implements DataRedisConnectionDetails {

	private final DataRedisConnectionDetails details;

	private final RedisSentinelConfiguration sentinel;

	private SentinelConfigurationDetails(DataRedisConnectionDetails details, RedisSentinelConfiguration sentinel) {
		this.details = details;
		this.sentinel = sentinel;
	}

	/** {@code details}, or a Sentinel view of them when the application defines a {@code sentinel} bean. */
	static DataRedisConnectionDetails of(DataRedisConnectionDetails details, RedisSentinelConfiguration sentinel) {
		return (sentinel != null) ? new SentinelConfigurationDetails(details, sentinel) : details;
	}

	@Override
	public String getUsername() {
		return (this.sentinel.getUsername() != null) ? this.sentinel.getUsername() : this.details.getUsername();
	}

	@Override
	public String getPassword() {
		String password = text(this.sentinel.getPassword());
		return (password != null) ? password : this.details.getPassword();
	}

	@Override
	public SslBundle getSslBundle() {
		return this.details.getSslBundle();
	}

	@Override
	public Sentinel getSentinel() {
		RedisSentinelConfiguration configuration = this.sentinel;
		return new Sentinel() {

			@Override
			public int getDatabase() {
				return configuration.getDatabase();
			}

			@Override
			public String getMaster() {
				return (configuration.getMaster() != null) ? configuration.getMaster().getName() : null;
			}

			@Override
			public List<Node> getNodes() {
				return configuration.getSentinels().stream().map((node) -> new Node(node.getHost(), node.getPort())).toList();
			}

			@Override
			public String getUsername() {
				return configuration.getSentinelUsername();
			}

			@Override
			public String getPassword() {
				return text(configuration.getSentinelPassword());
			}

		};
	}

	@Override
	public Standalone getStandalone() {
		return null;
	}

	@Override
	public Cluster getCluster() {
		return null;
	}

	@Override
	public MasterReplica getMasterReplica() {
		return null;
	}

	private static String text(RedisPassword password) {
		return (password != null && password.isPresent()) ? new String(password.get()) : null;
	}

}
