package io.keyspace.sample.status;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Properties;

import io.keyspace.notifications.KeyspaceNotifications;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.dao.DataAccessException;
import org.springframework.data.redis.core.RedisCallback;
import org.springframework.data.redis.core.StringRedisTemplate;
import org.springframework.stereotype.Component;

/**
 * Notices that notifications do not arrive, so the page does not say "live" over an empty
 * feed when the user's own Redis publishes nothing. Three signs: the server's
 * {@code notify-keyspace-events} lacks what the sample needs (read here, when {@code CONFIG GET}
 * is allowed); the library's own check found flags missing on another node it reads (a cluster
 * primary, a replica: {@code NodeStatus.missingFlags()}); and a write made by this application was
 * not followed by any notification within {@code sample.delivery-check.timeout} (which also
 * catches a subscriber that is not listening).
 */
@Component
public class DeliveryCheck {

	private static final Logger logger = LoggerFactory.getLogger(DeliveryCheck.class);

	private static final String SETTING = "notify-keyspace-events";

	// Absent with keyspace-notifications.enabled=false; the application still writes then.
	private final ObjectProvider<KeyspaceNotifications> notifications;

	private final StringRedisTemplate redis;

	private final Duration timeout;

	// The oldest write not yet followed by a notification, and the received count just before it.
	private Instant unansweredWriteAt;

	private long receivedBeforeIt;

	DeliveryCheck(ObjectProvider<KeyspaceNotifications> notifications, StringRedisTemplate redis,
			@Value("${sample.delivery-check.timeout:5s}") Duration timeout) {
		this.notifications = notifications;
		this.redis = redis;
		this.timeout = timeout;
	}

	/** Call just before a write that makes Redis publish; pass the result to {@link #written(long)}. */
	public long beforeWrite() {
		return received();
	}

	/** A write that makes Redis publish a notification has succeeded. */
	public synchronized void written(long receivedBefore) {
		if (this.unansweredWriteAt == null) {
			this.unansweredWriteAt = Instant.now();
			this.receivedBeforeIt = receivedBefore;
		}
	}

	/** What is wrong, as sentences for the page; empty while notifications arrive. */
	List<String> problems(RedisAddress redis) {
		List<String> problems = new ArrayList<>();
		serverFlags().ifPresent((flags) -> {
			String missing = ServerFlags.missing(flags);
			if (!missing.isEmpty()) {
				String cli = (redis.cli() != null) ? redis.cli() : "redis-cli";
				problems.add("Redis at " + redis.address() + " has " + SETTING + " \"" + flags + "\", without \""
						+ missing + "\": it does not publish what this page shows. Fix: " + cli + " config set "
						+ SETTING + " KEA");
			}
		});
		libraryFindings(redis).forEach(problems::add);
		silentFor().ifPresent((silence) -> problems.add("No notification arrived in the " + silence.toSeconds()
				+ " s since this application wrote a product key: Redis does not publish keyspace notifications "
				+ "(" + SETTING + "), or the subscriber is not connected."));
		return problems;
	}

	/**
	 * What the library's server-config check found on the nodes it reads, except the one read
	 * above: that reading is fresh, the library's is as old as its check interval.
	 */
	private List<String> libraryFindings(RedisAddress redis) {
		KeyspaceNotifications current = this.notifications.getIfAvailable();
		if (current == null) {
			return List.of();
		}
		return current.nodes()
			.stream()
			.filter((node) -> !node.missingFlags().isEmpty() && !redis.isAt(node.node()))
			.map((node) -> "Redis at " + node.node() + " lacks \"" + node.missingFlags() + "\" in its " + SETTING
					+ ", so it does not publish everything this application subscribed to (the library checks "
					+ "again every keyspace-notifications.server-config-check-interval). Fix: config set " + SETTING
					+ " KEA on that node")
			.toList();
	}

	private synchronized Optional<Duration> silentFor() {
		if (this.unansweredWriteAt == null) {
			return Optional.empty();
		}
		if (received() > this.receivedBeforeIt) {
			this.unansweredWriteAt = null;
			return Optional.empty();
		}
		Duration waited = Duration.between(this.unansweredWriteAt, Instant.now());
		return (waited.compareTo(this.timeout) >= 0) ? Optional.of(waited) : Optional.empty();
	}

	private long received() {
		KeyspaceNotifications current = this.notifications.getIfAvailable();
		return (current != null) ? current.metrics().received() : 0;
	}

	/** The server's setting, or empty when it cannot be read (e.g. CONFIG is disabled on a managed Redis). */
	private Optional<String> serverFlags() {
		try {
			Properties config = this.redis
				.execute((RedisCallback<Properties>) (connection) -> connection.serverCommands().getConfig(SETTING));
			return Optional.ofNullable(config).map((properties) -> properties.getProperty(SETTING));
		}
		catch (DataAccessException ex) {
			logger.debug("Cannot read {}: {}", SETTING, ex.getMessage());
			return Optional.empty();
		}
	}

}
