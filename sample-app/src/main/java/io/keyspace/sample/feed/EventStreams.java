package io.keyspace.sample.feed;

import java.time.Duration;

import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;
import reactor.core.publisher.Sinks;

import org.springframework.context.event.ContextClosedEvent;
import org.springframework.context.event.EventListener;
import org.springframework.http.codec.ServerSentEvent;
import org.springframework.stereotype.Component;

/**
 * What the sample's server-sent event streams share, on Spring MVC and on WebFlux alike: a
 * comment first, keep-alive comments, and an end when the application closes.
 */
@Component
class EventStreams {

	/**
	 * Tomcat notices a client that left only when a write to it fails (Reactor Netty notices at
	 * once): a comment this often lets Spring MVC cancel the stream, and with it the server
	 * subscription behind {@code /api/notifications/live}, within a few seconds.
	 */
	static final Duration KEEP_ALIVE = Duration.ofSeconds(2);

	private final Sinks.Empty<Void> closing = Sinks.empty();

	/**
	 * {@code events} after a {@code greeting} comment, which commits the response, so a client
	 * sees the stream open at once (an EventSource fires {@code open}).
	 */
	<T> Flux<ServerSentEvent<T>> open(String greeting, Flux<ServerSentEvent<T>> events) {
		// Dropped, not queued, while the client reads nothing: a keep-alive only matters as a write.
		Flux<ServerSentEvent<T>> keepAlive = Flux.interval(KEEP_ALIVE)
			.onBackpressureDrop()
			.map((tick) -> EventStreams.<T>comment("keep-alive"));
		return Flux.concat(Mono.just(EventStreams.<T>comment(greeting)), events)
			.mergeWith(keepAlive)
			.takeUntilOther(this.closing.asMono());
	}

	/** Ends the open streams first, so that a graceful web server shutdown need not wait for them. */
	@EventListener(ContextClosedEvent.class)
	void closeStreams() {
		this.closing.tryEmitEmpty();
	}

	private static <T> ServerSentEvent<T> comment(String text) {
		return ServerSentEvent.<T>builder().comment(text).build();
	}

}
