package io.keyspace.sample.status;

import java.time.Instant;

import io.keyspace.notifications.listener.KeyspaceResyncEvent;
import io.keyspace.sample.status.SampleStatus.ResyncPass;

import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

/** The last resync pass the library reported (started or completed), for the page. */
@Component
class ResyncLog {

	private ResyncPass last;

	@EventListener
	synchronized void record(KeyspaceResyncEvent event) {
		String cause = event.cause().map((gap) -> gap.cause().name()).orElse(null);
		this.last = new ResyncPass(event.endpointId(), event.node(), event.phase().name(), event.keys(),
				Instant.ofEpochMilli(event.getTimestamp()), cause);
	}

	/** {@code null} before the first pass started. */
	synchronized ResyncPass last() {
		return this.last;
	}

}
