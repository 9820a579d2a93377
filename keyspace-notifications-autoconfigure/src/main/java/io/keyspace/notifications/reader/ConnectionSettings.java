package io.keyspace.notifications.reader;

import java.time.Duration;

import javax.net.ssl.HostnameVerifier;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocketFactory;

import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.JedisClientConfig;
import redis.clients.jedis.RedisProtocol;

/**
 * Everything needed to open a subscriber connection to a Redis node: credentials, database,
 * TLS, client name, timeouts, the idle health check and the reconnect backoff. Immutable;
 * build one with {@link #builder()}.
 *
 * @param username ACL user name, or {@code null}
 * @param password password, or {@code null}
 * @param database the database selected on connect (keyspace channels name their own
 * database, so this only matters for the commands a subscriber itself sends)
 * @param ssl whether to use TLS
 * @param sslSocketFactory TLS socket factory, or {@code null} for the JVM default
 * @param sslParameters TLS parameters, or {@code null}
 * @param hostnameVerifier TLS host name verifier, or {@code null}
 * @param clientName the name shown by {@code CLIENT LIST}, or {@code null}
 * @param connectTimeout how long to wait for the TCP (and TLS) handshake
 * @param commandTimeout how long to wait for the reply of a command such as SUBSCRIBE
 * @param healthCheckInterval how long a subscriber connection may stay silent before a PING
 * checks it; {@link Duration#ZERO} disables the check
 * @param backoff delays between reconnect attempts
 */
public record ConnectionSettings(String username, String password, int database, boolean ssl,
		SSLSocketFactory sslSocketFactory, SSLParameters sslParameters, HostnameVerifier hostnameVerifier,
		String clientName, Duration connectTimeout, Duration commandTimeout, Duration healthCheckInterval,
		Backoff backoff) {

	public static ConnectionSettings defaults() {
		return builder().build();
	}

	public static Builder builder() {
		return new Builder();
	}

	public Builder toBuilder() {
		return new Builder().username(this.username).password(this.password).database(this.database)
			.ssl(this.ssl).sslSocketFactory(this.sslSocketFactory).sslParameters(this.sslParameters)
			.hostnameVerifier(this.hostnameVerifier).clientName(this.clientName)
			.connectTimeout(this.connectTimeout).commandTimeout(this.commandTimeout)
			.healthCheckInterval(this.healthCheckInterval).backoff(this.backoff);
	}

	/**
	 * The Jedis configuration for a subscriber connection. RESP2 is forced because the reader
	 * decodes RESP2 pub/sub frames; the socket timeout is the read timeout of a subscribed
	 * connection, so it leaves room for one health-check round trip.
	 */
	JedisClientConfig toJedisConfig() {
		return jedisConfig(readTimeout());
	}

	/** The Jedis configuration for a short-lived command connection, e.g. to read a cluster's topology. */
	public JedisClientConfig jedisConfig(Duration socketTimeout) {
		DefaultJedisClientConfig.Builder builder = DefaultJedisClientConfig.builder()
			.protocol(RedisProtocol.RESP2)
			.user(this.username)
			.password(this.password)
			.database(this.database)
			.clientName(this.clientName)
			.ssl(this.ssl)
			.sslSocketFactory(this.sslSocketFactory)
			.sslParameters(this.sslParameters)
			.hostnameVerifier(this.hostnameVerifier)
			.connectionTimeoutMillis(Math.toIntExact(this.connectTimeout.toMillis()))
			.socketTimeoutMillis(Math.toIntExact(socketTimeout.toMillis()));
		return builder.build();
	}

	/**
	 * How long the reader may wait for the next frame. With the health check on, a healthy
	 * connection is never silent for longer than two intervals plus a PING round trip.
	 */
	Duration readTimeout() {
		if (this.healthCheckInterval.isZero()) {
			return Duration.ZERO; // 0 = block forever
		}
		return this.healthCheckInterval.multipliedBy(2).plus(this.commandTimeout);
	}

	/** Builder with the defaults of a local Redis: no auth, db 0, plain TCP. */
	public static final class Builder {

		private String username;

		private String password;

		private int database;

		private boolean ssl;

		private SSLSocketFactory sslSocketFactory;

		private SSLParameters sslParameters;

		private HostnameVerifier hostnameVerifier;

		private String clientName;

		private Duration connectTimeout = Duration.ofSeconds(2);

		private Duration commandTimeout = Duration.ofSeconds(2);

		private Duration healthCheckInterval = Duration.ofSeconds(5);

		private Backoff backoff = Backoff.DEFAULT;

		private Builder() {
		}

		public Builder username(String username) {
			this.username = username;
			return this;
		}

		public Builder password(String password) {
			this.password = password;
			return this;
		}

		public Builder database(int database) {
			if (database < 0) {
				throw new IllegalArgumentException("database must be >= 0, was " + database);
			}
			this.database = database;
			return this;
		}

		public Builder ssl(boolean ssl) {
			this.ssl = ssl;
			return this;
		}

		public Builder sslSocketFactory(SSLSocketFactory sslSocketFactory) {
			this.sslSocketFactory = sslSocketFactory;
			return this;
		}

		public Builder sslParameters(SSLParameters sslParameters) {
			this.sslParameters = sslParameters;
			return this;
		}

		public Builder hostnameVerifier(HostnameVerifier hostnameVerifier) {
			this.hostnameVerifier = hostnameVerifier;
			return this;
		}

		public Builder clientName(String clientName) {
			this.clientName = clientName;
			return this;
		}

		public Builder connectTimeout(Duration connectTimeout) {
			this.connectTimeout = positive(connectTimeout, "connectTimeout");
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
			this.backoff = backoff;
			return this;
		}

		public ConnectionSettings build() {
			return new ConnectionSettings(this.username, this.password, this.database, this.ssl,
					this.sslSocketFactory, this.sslParameters, this.hostnameVerifier, this.clientName,
					this.connectTimeout, this.commandTimeout, this.healthCheckInterval, this.backoff);
		}

		private static Duration positive(Duration value, String name) {
			if (value.isNegative() || value.isZero()) {
				throw new IllegalArgumentException(name + " must be positive, was " + value);
			}
			return value;
		}

	}

}
