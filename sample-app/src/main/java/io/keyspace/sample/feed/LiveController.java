package io.keyspace.sample.feed;

import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Pattern;

import io.keyspace.notifications.channel.KeyspaceChannel;
import io.keyspace.notifications.reactive.ReactiveKeyspaceNotifications;
import reactor.core.publisher.Flux;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.codec.ServerSentEvent;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ResponseStatusException;

/**
 * {@code GET /api/notifications/live}: {@link ReactiveKeyspaceNotifications#receive} as
 * server-sent events. Each request is a subscriber of its own: it subscribes on the Redis
 * server when the response starts (shared with any handler on the same channel) and
 * unsubscribes when the client leaves. Unlike {@code /stream} it replays nothing: it starts
 * when the server confirmed the subscription.
 */
@RestController
@RequestMapping("/api/notifications")
class LiveController {

	// Key characters and the globs '*' and '?': no '[', no '\', so a pattern needs no escaping rules.
	private static final Pattern VALID_PATTERN = Pattern.compile("[A-Za-z0-9_:.*?-]{1,128}");

	// Absent with keyspace-notifications.enabled=false; the rest of the application still runs then.
	private final ObjectProvider<ReactiveKeyspaceNotifications> notifications;

	private final EventStreams streams;

	private final String defaultPattern;

	private final int database;

	LiveController(ObjectProvider<ReactiveKeyspaceNotifications> notifications, EventStreams streams,
			@Value("${sample.key-pattern:product:*}") String defaultPattern,
			@Value("${spring.data.redis.database:0}") int database) {
		this.notifications = notifications;
		this.streams = streams;
		this.defaultPattern = defaultPattern;
		this.database = database;
	}

	/**
	 * {@code curl -N localhost:8080/api/notifications/live?pattern=product:*}; events are named
	 * {@code notification}, carry a {@link FeedEntry} and are numbered from 1 in each stream.
	 */
	@GetMapping(path = "/live", produces = MediaType.TEXT_EVENT_STREAM_VALUE)
	Flux<ServerSentEvent<FeedEntry>> live(@RequestParam(name = "pattern", required = false) String pattern) {
		ReactiveKeyspaceNotifications notifications = this.notifications.getIfAvailable();
		if (notifications == null) {
			throw new ResponseStatusException(HttpStatus.SERVICE_UNAVAILABLE,
					"The library is off (keyspace-notifications.enabled=false): nothing to receive");
		}
		KeyspaceChannel channel = new KeyspaceChannel(validPattern((pattern != null) ? pattern : this.defaultPattern),
				this.database);
		// Demand is the HTTP response's: WebFlux requests more as the socket drains, Spring MVC as
		// it has written the last event. Redis does not wait for either: the library's buffer for
		// this subscriber absorbs bursts meanwhile, and what overflows it is dropped, counted
		// (SUBSCRIBER_OVERFLOW among the page's dropped counts) and reported as an OVERFLOW gap.
		Flux<ServerSentEvent<FeedEntry>> events = Flux.defer(() -> {
			AtomicLong sequence = new AtomicLong();
			return notifications.receive(channel).map((notification) -> {
				FeedEntry entry = FeedEntry.of(sequence.incrementAndGet(), notification);
				return ServerSentEvent.builder(entry).id(Long.toString(entry.seq())).event("notification").build();
			});
		});
		return this.streams.open("receive(" + channel + "): from now on", events);
	}

	private static String validPattern(String pattern) {
		if (!VALID_PATTERN.matcher(pattern).matches()) {
			throw new ResponseStatusException(HttpStatus.BAD_REQUEST,
					"pattern has 1 to 128 letters, digits, '_', ':', '.', '-' or the globs '*' and '?'");
		}
		return pattern;
	}

}
