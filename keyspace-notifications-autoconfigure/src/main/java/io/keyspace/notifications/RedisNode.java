package io.keyspace.notifications;

import java.util.Objects;

/**
 * The address of one Redis server. Its {@code toString()} is the {@code host:port} form used
 * in every log message and in {@code KeyNotification.node()}.
 */
public record RedisNode(String host, int port) {

	public RedisNode {
		Objects.requireNonNull(host, "host");
		if (port <= 0 || port > 65535) {
			throw new IllegalArgumentException("port must be between 1 and 65535, was " + port);
		}
	}

	/** Parses {@code host:port} (IPv6 hosts may be written {@code [::1]:6379}). */
	public static RedisNode parse(String hostAndPort) {
		int colon = hostAndPort.lastIndexOf(':');
		if (colon <= 0 || colon == hostAndPort.length() - 1) {
			throw new IllegalArgumentException("Expected host:port but got '" + hostAndPort + "'");
		}
		String host = hostAndPort.substring(0, colon);
		if (host.startsWith("[") && host.endsWith("]")) {
			host = host.substring(1, host.length() - 1);
		}
		try {
			return new RedisNode(host, Integer.parseInt(hostAndPort.substring(colon + 1)));
		}
		catch (NumberFormatException ex) {
			throw new IllegalArgumentException("Expected host:port but got '" + hostAndPort + "'", ex);
		}
	}

	@Override
	public String toString() {
		return (this.host.indexOf(':') >= 0) ? "[" + this.host + "]:" + this.port : this.host + ":" + this.port;
	}

}
