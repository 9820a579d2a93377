package io.keyspace.notifications.annotation;

import java.util.List;

import io.keyspace.notifications.EventType;
import io.keyspace.notifications.ReadFrom;
import io.keyspace.notifications.channel.RedisGlob;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Stops a handler from waiting for events its node never publishes. A replica does not expire
 * or evict keys (or hash fields) itself: it applies the primary's {@code del} (or {@code hdel}),
 * so {@code expired}, {@code evicted} and {@code hexpired} come only from a primary. A handler
 * that names one of them, or an event glob that matches one (such as {@code exp*} or
 * {@code h*}), fails startup with {@code read-from=replica}
 * and gets a WARN with {@code replica-preferred}, where they arrive only while no replica is
 * reachable. A plain {@code *}, or no event at all, is not checked: such a handler wants every
 * event and still receives the others, the expiries as {@code del}.
 */
final class ReadFromCheck {

	private static final Logger logger = LoggerFactory.getLogger(ReadFromCheck.class);

	private static final String PROPERTY = "keyspace-notifications.read-from";

	private static final List<String> PRIMARY_ONLY = List.of(EventType.EXPIRED, EventType.EVICTED,
			EventType.HEXPIRED);

	private ReadFromCheck() {
	}

	/**
	 * @throws InvalidOnKeyEventException if the handler waits for an event that {@code readFrom}
	 * never delivers
	 */
	static void check(OnKeyEventEndpointFactory.Attributes attributes, ReadFrom readFrom) {
		if (readFrom == ReadFrom.PRIMARY) {
			return;
		}
		List<String> matching = attributes.events().stream().filter(ReadFromCheck::matchesPrimaryOnly).toList();
		if (matching.isEmpty()) {
			return;
		}
		List<String> missed = PRIMARY_ONLY.stream()
			.filter((event) -> matching.stream().anyMatch((glob) -> RedisGlob.matches(glob, event)))
			.toList();
		String events = enumerated(missed);
		// What a replica publishes instead, and for which commands besides: a key's del, a hash field's hdel.
		boolean fieldsOnly = missed.equals(List.of(EventType.HEXPIRED));
		boolean fields = missed.contains(EventType.HEXPIRED);
		String instead = fieldsOnly ? "hdel" : fields ? "del (hdel for hash fields)" : "del";
		String commands = fieldsOnly ? "HDEL" : fields ? "DEL or HDEL" : "DEL";
		if (!readFrom.deliversExpiries()) {
			throw new InvalidOnKeyEventException(attributes.handlerName(),
					"it listens for " + events + " (event " + quoted(matching) + "), but " + PROPERTY
							+ " is replica, and a replica never publishes " + events + ": it applies the primary's "
							+ instead + " instead",
					"Set " + PROPERTY + "=primary: only a primary publishes expired, evicted and hexpired (with "
							+ "replica-preferred they would arrive only while no replica is reachable). Or remove " + events
							+ " from the handler's events and listen for " + instead + ", which a replica publishes for "
							+ "them (and for every " + commands + " command)");
		}
		logger.warn("@OnKeyEvent method {} listens for {} (event {}), but {} is replica-preferred: a replica never "
				+ "publishes {}, so such notifications arrive only while no replica is reachable. Set {}=primary to "
				+ "receive them all.", attributes.handlerName(), events, quoted(matching), PROPERTY, events, PROPERTY);
	}

	/** A plain {@code *} wants every event, not expiries in particular. */
	private static boolean matchesPrimaryOnly(String glob) {
		return !glob.equals("*") && PRIMARY_ONLY.stream().anyMatch((event) -> RedisGlob.matches(glob, event));
	}

	/** "a", "a and b", "a, b and c". */
	private static String enumerated(List<String> events) {
		int last = events.size() - 1;
		return (last == 0) ? events.get(0) : String.join(", ", events.subList(0, last)) + " and " + events.get(last);
	}

	private static String quoted(List<String> globs) {
		return String.join(", ", globs.stream().map((glob) -> "\"" + glob + "\"").toList());
	}

}
