package io.keyspace.sample;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Stream;

import org.springframework.http.MediaType;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The sample's server-sent event stream as a browser's EventSource reads it, line by line. */
final class EventStream implements AutoCloseable {

	private final List<String> lines = new CopyOnWriteArrayList<>();

	private final HttpResponse<Stream<String>> response;

	private EventStream(HttpResponse<Stream<String>> response) {
		this.response = response;
		CompletableFuture.runAsync(() -> response.body().forEach(this.lines::add));
	}

	/** Opens the feed, with the {@code Last-Event-ID} a reconnecting browser sends unless {@code null}. */
	static EventStream open(int port, String lastEventId) {
		return open(port, "/api/notifications/stream", lastEventId);
	}

	/** Opens the stream at {@code pathAndQuery}, with a {@code Last-Event-ID} unless {@code null}. */
	static EventStream open(int port, String pathAndQuery, String lastEventId) {
		HttpRequest.Builder request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + pathAndQuery))
			.header("Accept", MediaType.TEXT_EVENT_STREAM_VALUE);
		if (lastEventId != null) {
			request.header("Last-Event-ID", lastEventId);
		}
		CompletableFuture<HttpResponse<Stream<String>>> response = HttpClient.newHttpClient()
			.sendAsync(request.build(), HttpResponse.BodyHandlers.ofLines());
		// The stream is open once the headers are in: only then may the test write.
		await().atMost(Duration.ofSeconds(10)).until(response::isDone);
		assertThat(response.join().statusCode()).isEqualTo(200);
		return new EventStream(response.join());
	}

	List<String> lines() {
		return this.lines;
	}

	/** Waits for the data line of a notification; returns it. */
	String awaitData(String key, String event) {
		return await().atMost(Duration.ofSeconds(10))
			.until(() -> this.lines.stream()
				.filter((line) -> line.startsWith("data:") && line.contains("\"key\":\"" + key + "\"")
						&& line.contains("\"event\":\"" + event + "\""))
				.findFirst()
				.orElse(null), (line) -> line != null);
	}

	/** The {@code id:} of the event whose data line this is. */
	String idOf(String dataLine) {
		int at = this.lines.indexOf(dataLine);
		for (int i = at - 1; i >= 0 && !this.lines.get(i).isEmpty(); i--) {
			if (this.lines.get(i).startsWith("id:")) {
				return this.lines.get(i).substring("id:".length()).strip();
			}
		}
		throw new AssertionError("No id line before " + dataLine + " in " + this.lines);
	}

	@Override
	public void close() {
		this.response.body().close();
	}

}
