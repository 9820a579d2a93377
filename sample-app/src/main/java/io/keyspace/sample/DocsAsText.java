package io.keyspace.sample;

import java.nio.charset.StandardCharsets;

import org.springframework.core.io.ClassPathResource;
import org.springframework.core.io.Resource;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.RestController;

/**
 * The page links to the project's docs, which the build copies to {@code static/docs/}: serve
 * {@code .md} as UTF-8 text, so the browser shows them instead of downloading them. A handler
 * rather than a MIME mapping of the web server: Boot has no property for one, and Tomcat's
 * (a servlet {@code WebServerFactoryCustomizer}) does not exist on Reactor Netty; this works on
 * both stacks, and takes precedence over the static resources.
 */
@RestController
class DocsAsText {

	private static final MediaType TEXT = new MediaType("text", "plain", StandardCharsets.UTF_8);

	@GetMapping("/docs/{name:[A-Za-z0-9_-]+}.md")
	ResponseEntity<Resource> doc(@PathVariable("name") String name) {
		Resource doc = new ClassPathResource("static/docs/" + name + ".md");
		return doc.exists() ? ResponseEntity.ok().contentType(TEXT).body(doc) : ResponseEntity.notFound().build();
	}

}
