package io.keyspace.notifications;

import java.time.Duration;
import java.util.Objects;
import java.util.function.Consumer;
import javax.net.ssl.HostnameVerifier;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocketFactory;

import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.DefaultRedisCredentials;
import redis.clients.jedis.JedisClientConfig;
import redis.clients.jedis.RedisProtocol;

/**
 * Everything needed to open a subscriber connection to a Redis node. How to reach and log
 * in to a node (credentials or a credentials provider, TLS and {@code SslOptions},
 * client name, connect timeout, host-and-port mapper) is Jedis' own
 * {@link JedisClientConfig}, taken as a whole so that nothing Jedis supports is lost on the
 * way. What a subscriber needs beyond that is ours: the command timeout, the idle health
 * check (which also sets the read timeout) and the reconnect backoff. Immutable; build one
 * with {@link #builder()} or {@link #builder(JedisClientConfig)}.
 * <p>
 * {@link #toString()} never shows credentials.
 */
public final class ConnectionSettings {

	private static final Duration DEFAULT_CONNECT_TIMEOUT = Duration.ofSeconds(2);

	private final JedisClientConfig clientConfig;

	private final Duration commandTimeout;

	private final Duration healthCheckInterval;

	private final Backoff backoff;

	private ConnectionSettings(Builder builder) {
		this.clientConfig = builder.clientConfig.build();
		this.commandTimeout = builder.commandTimeout;
		this.healthCheckInterval = builder.healthCheckInterval;
		this.backoff = builder.backoff;
	}

	public static ConnectionSettings defaults() {
		return builder().build();
	}

	/** A builder with the defaults of a local Redis: no auth, db 0, plain TCP, 2 s connect timeout. */
	public static Builder builder() {
		return new Builder(DefaultJedisClientConfig.builder()
			.connectionTimeoutMillis(Math.toIntExact(DEFAULT_CONNECT_TIMEOUT.toMillis())));
	}

	/**
	 * A builder that connects as {@code clientConfig} says: credentials provider, TLS and
	 * {@code SslOptions}, host-and-port mapper, database, client name and connect timeout are
	 * all kept. Its protocol, socket timeout and selected database are replaced, see
	 * {@link #clientConfig()}.
	 */
	public static Builder builder(JedisClientConfig clientConfig) {
		return new Builder(DefaultJedisClientConfig.builder().from(Objects.requireNonNull(clientConfig, "clientConfig")));
	}

	/**
	 * The Jedis configuration node connections start from. A subscriber connection always
	 * speaks RESP2 (the reader decodes RESP2 pub/sub frames) and gets its own read timeout,
	 * derived from the health check; a command connection gets the command timeout. Neither
	 * selects its database (see {@link #jedisConfig(Duration)}).
	 */
	public JedisClientConfig clientConfig() {
		return this.clientConfig;
	}

	/**
	 * The application's database, as configured. Connections never select it (see
	 * {@link #jedisConfig(Duration)}): keyspace channels name their own database.
	 */
	public int database() {
		return this.clientConfig.getDatabase();
	}

	/** How long to wait for the TCP (and TLS) handshake. */
	public Duration connectTimeout() {
		return Duration.ofMillis(this.clientConfig.getConnectionTimeoutMillis());
	}

	/** How long to wait for the reply to a command such as SUBSCRIBE. */
	public Duration commandTimeout() {
		return this.commandTimeout;
	}

	/**
	 * How long a subscriber connection may stay silent before a PING checks it;
	 * {@link Duration#ZERO} disables the check.
	 */
	public Duration healthCheckInterval() {
		return this.healthCheckInterval;
	}

	/** Delays between reconnect attempts. */
	public Backoff backoff() {
		return this.backoff;
	}

	/**
	 * The Jedis configuration for a connection whose reads wait at most {@code socketTimeout}.
	 * Its database is always 0, so no {@code SELECT} is sent: a channel names its database, and
	 * neither pub/sub nor {@code CONFIG} and {@code CLUSTER} commands use the selected one, while
	 * a least-privilege ACL user may not be allowed to {@code SELECT}.
	 */
	public JedisClientConfig jedisConfig(Duration socketTimeout) {
		return DefaultJedisClientConfig.builder()
			.from(this.clientConfig)
			.database(0)
			.protocol(RedisProtocol.RESP2)
			.socketTimeoutMillis(Math.toIntExact(socketTimeout.toMillis()))
			.build();
	}

	/**
	 * How long the reader may wait for the next frame. With the health check on, a healthy
	 * connection is never silent for longer than two intervals plus a PING round trip.
	 */
	public Duration readTimeout() {
		if (this.healthCheckInterval.isZero()) {
			return Duration.ZERO; // 0 = block forever
		}
		return this.healthCheckInterval.multipliedBy(2).plus(this.commandTimeout);
	}

	/**
	 * Shows what helps to diagnose a connection problem. Credentials are left out on
	 * purpose, and so is the user name: asking a credentials provider for it may fetch a
	 * token.
	 */
	@Override
	public String toString() {
		return "ConnectionSettings[database=" + database() + ", ssl=" + this.clientConfig.isSsl() + ", clientName="
				+ this.clientConfig.getClientName() + ", connectTimeout=" + connectTimeout() + ", commandTimeout="
				+ this.commandTimeout + ", healthCheckInterval=" + this.healthCheckInterval + ", backoff="
				+ this.backoff + "]";
	}

	/**
	 * Builds {@link ConnectionSettings}. The connection setters write to a Jedis
	 * {@link DefaultJedisClientConfig.Builder}; {@link #clientConfig(Consumer)} reaches
	 * everything else it offers.
	 */
	public static final class Builder {

		private final DefaultJedisClientConfig.Builder clientConfig;

		private String username;

		private String password;

		private Duration commandTimeout = Duration.ofSeconds(2);

		private Duration healthCheckInterval = Duration.ofSeconds(5);

		private Backoff backoff = Backoff.DEFAULT;

		private Builder(DefaultJedisClientConfig.Builder clientConfig) {
			this.clientConfig = clientConfig;
		}

		/**
		 * Adjusts the Jedis client configuration, e.g. to set a credentials provider,
		 * {@code SslOptions} or a {@code HostAndPortMapper}. Protocol and socket timeout are
		 * ours and replaced on every connection.
		 */
		public Builder clientConfig(Consumer<DefaultJedisClientConfig.Builder> customizer) {
			customizer.accept(this.clientConfig);
			return this;
		}

		/** The ACL user name; replaces any credentials provider set before. */
		public Builder username(String username) {
			this.username = username;
			return credentials();
		}

		/** The password; replaces any credentials provider set before. */
		public Builder password(String password) {
			this.password = password;
			return credentials();
		}

		// Jedis ignores user(..)/password(..) once its builder holds a credentials provider, as
		// one copied from a JedisClientConfig always does: set the credentials themselves.
		private Builder credentials() {
			this.clientConfig.credentials(new DefaultRedisCredentials(this.username, this.password));
			return this;
		}

		/** The application's database; recorded, never selected on a connection (channels name theirs). */
		public Builder database(int database) {
			if (database < 0) {
				throw new IllegalArgumentException("database must be >= 0, was " + database);
			}
			this.clientConfig.database(database);
			return this;
		}

		public Builder ssl(boolean ssl) {
			this.clientConfig.ssl(ssl);
			return this;
		}

		public Builder sslSocketFactory(SSLSocketFactory sslSocketFactory) {
			this.clientConfig.sslSocketFactory(sslSocketFactory);
			return this;
		}

		public Builder sslParameters(SSLParameters sslParameters) {
			this.clientConfig.sslParameters(sslParameters);
			return this;
		}

		public Builder hostnameVerifier(HostnameVerifier hostnameVerifier) {
			this.clientConfig.hostnameVerifier(hostnameVerifier);
			return this;
		}

		public Builder clientName(String clientName) {
			this.clientConfig.clientName(clientName);
			return this;
		}

		public Builder connectTimeout(Duration connectTimeout) {
			this.clientConfig.connectionTimeoutMillis(Math.toIntExact(positive(connectTimeout, "connectTimeout").toMillis()));
			return this;
		}

		public Builder commandTimeout(Duration commandTimeout) {
			this.commandTimeout = positive(commandTimeout, "commandTimeout");
			return this;
		}

		public Builder healthCheckInterval(Duration healthCheckInterval) {
			if (healthCheckInterval.isNegative()) {
				throw new IllegalArgumentException("healthCheckInterval must not be negative, was " + healthCheckInterval);
			}
			this.healthCheckInterval = healthCheckInterval;
			return this;
		}

		public Builder backoff(Backoff backoff) {
			this.backoff = Objects.requireNonNull(backoff, "backoff");
			return this;
		}

		public ConnectionSettings build() {
			return new ConnectionSettings(this);
		}

		private static Duration positive(Duration value, String name) {
			if (value.isNegative() || value.isZero()) {
				throw new IllegalArgumentException(name + " must be positive, was " + value);
			}
			return value;
		}

	}

}
