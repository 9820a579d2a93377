package io.keyspace.notifications.archfixture;

import io.keyspace.notifications.archfixture.internal.engine.Engine;

/** A facade: wires the engine, and so does its nested class. */
public class Facade {

	private final Engine engine = new Engine();

	public Value next() {
		return new Placement().place(engine);
	}

	public static final class Placement {

		Value place(Engine engine) {
			return engine.next();
		}

	}

}
