package io.keyspace.sample.demo;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ResponseStatusException;

/** The page's pause switch for the demo writer. */
@RestController
@RequestMapping("/api/demo-writer")
class DemoWriterController {

	private final ObjectProvider<DemoWriter> writer;

	DemoWriterController(ObjectProvider<DemoWriter> writer) {
		this.writer = writer;
	}

	@GetMapping
	State state() {
		DemoWriter demo = this.writer.getIfAvailable();
		return (demo != null) ? new State(true, demo.isPaused()) : new State(false, true);
	}

	/** {@code {"paused": true}} pauses, {@code false} resumes. */
	@PutMapping
	State update(@RequestBody Switch request) {
		if (request.paused() == null) {
			throw new ResponseStatusException(HttpStatus.BAD_REQUEST, "paused (true or false) is required");
		}
		DemoWriter demo = this.writer.getIfAvailable();
		if (demo == null) {
			throw new ResponseStatusException(HttpStatus.CONFLICT,
					"The demo writer is off (sample.demo-writer.enabled=false)");
		}
		demo.setPaused(request.paused());
		return state();
	}

	/**
	 * @param enabled whether the application runs a demo writer at all
	 * @param paused whether it writes nothing right now
	 */
	record State(boolean enabled, boolean paused) {
	}

	/** @param paused the wanted state */
	record Switch(Boolean paused) {
	}

}
