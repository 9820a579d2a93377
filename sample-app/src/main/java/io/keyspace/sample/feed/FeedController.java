package io.keyspace.sample.feed;

import java.util.List;

import reactor.core.publisher.Flux;

import org.springframework.http.MediaType;
import org.springframework.http.codec.ServerSentEvent;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * The notification feed as JSON and as a server-sent event stream. A {@link Flux} of
 * {@link ServerSentEvent}s is written by Spring MVC and by WebFlux alike.
 */
@RestController
@RequestMapping("/api/notifications")
class FeedController {

	private final NotificationFeed feed;

	FeedController(NotificationFeed feed) {
		this.feed = feed;
	}

	/** The last notifications, oldest first. */
	@GetMapping
	List<FeedEntry> recent() {
		return this.feed.recent();
	}

	/** {@code curl -N localhost:8080/api/notifications/stream}; events are named {@code notification}. */
	@GetMapping(path = "/stream", produces = MediaType.TEXT_EVENT_STREAM_VALUE)
	Flux<ServerSentEvent<FeedEntry>> stream(@RequestHeader(name = "Last-Event-ID", required = false) String lastEventId) {
		return this.feed.stream(lastEventId);
	}

}
