package io.statetree.autoconfigure.console;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import io.statetree.core.DeadLetter;
import io.statetree.core.StateController;
import io.statetree.core.StateEvent;
import io.statetree.spring.OnStateChange;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.TakesScreenshot;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.WebDriverWait;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The console in a real browser: Debian's headless Chromium driven by Selenium through
 * {@code /usr/bin/chromedriver}, one browser for the class. With {@code CI=true} the test fails
 * when Chromium is missing (CI installs it, see {@code .ci/run}); elsewhere it is skipped. With
 * the system property {@code console.screenshot} set to a file, one test saves a
 * screenshot of the console there (the README's {@code docs/console.png}).
 */
@SpringBootTest(classes = { ConsoleTestApplication.class, StateTreeConsoleBrowserTest.Accounts.class },
		webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = { "statetree.console.enabled=true", "management.health.redis.enabled=false",
				"statetree.groups.max-attempts=2", "statetree.groups.initial-backoff=1ms" })
class StateTreeConsoleBrowserTest {

	private static final String CHROMIUM = "/usr/bin/chromium";

	private static final String CHROMEDRIVER = "/usr/bin/chromedriver";

	private static final String SECRET = "Sup3r-s3cret-db-pw";

	private static final String ACCOUNT_SECRET = "Acc0unt-s3cret-pw";

	private static WebDriver browser;

	private static Path profile;

	@LocalServerPort
	int port;

	@Autowired
	StateController controller;

	@Autowired
	StateTreeConsoleController console;

	@BeforeAll
	static void startBrowser() throws IOException {
		boolean present = new File(CHROMIUM).canExecute() && new File(CHROMEDRIVER).canExecute();
		if (!present) {
			assertThat("true".equalsIgnoreCase(System.getenv("CI")))
				.as("CI=true but Chromium or chromedriver is missing (.ci/run installs chromium chromium-driver)")
				.isFalse();
			Assumptions.assumeTrue(false, "Chromium and chromedriver are not installed");
		}
		profile = Files.createTempDirectory("statetree-chromium-");
		ChromeOptions options = new ChromeOptions();
		options.setBinary(CHROMIUM);
		options.addArguments("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
				"--disable-background-networking", "--disable-component-update", "--disable-sync",
				"--disable-dev-shm-usage", "--window-size=1400,1100", "--user-data-dir=" + profile);
		ChromeDriverService service = new ChromeDriverService.Builder().usingDriverExecutable(new File(CHROMEDRIVER))
			.usingAnyFreePort()
			.build();
		browser = new ChromeDriver(service, options);
		browser.manage().timeouts().pageLoadTimeout(Duration.ofSeconds(30));
	}

	@AfterAll
	static void stopBrowser() throws IOException {
		if (browser != null) {
			browser.quit();
			browser = null;
		}
		if (profile != null) {
			try (var files = Files.walk(profile)) {
				files.sorted(java.util.Comparator.reverseOrder()).forEach((file) -> file.toFile().delete());
			}
		}
	}

	@BeforeEach
	void fillTree() {
		this.controller.set("/config", Map.of("db", Map.of("url", "jdbc:h2:mem:shop", "password", SECRET)));
		this.controller.set("/shop", Map.of("a", 2, "b", 3));
		this.controller.delete("/seq");
		this.controller.delete("/live");
		this.controller.delete("/bulk");
		this.controller.delete("/accounts");
		browser.manage().deleteAllCookies();
	}

	@Test
	void theConsoleAsksUnauthenticatedUsersToSignIn() {
		browser.get(url("/statetree/"));
		wait(10).until(ExpectedConditions.urlContains("/login"));
		assertThat(browser.getPageSource()).doesNotContain("Live events").doesNotContain("jdbc:h2");
		browser.findElement(By.id("username")).sendKeys("reader");
		browser.findElement(By.id("password")).sendKeys("wrong");
		browser.findElement(By.cssSelector("button[type=submit]")).click();
		wait(10).until(ExpectedConditions.urlContains("error"));
		assertThat(browser.getPageSource()).doesNotContain("Live events");
	}

	@Test
	void theTreeExpandsLazilyAndShowsSecretsMasked() {
		signIn("reader");
		node("/config").click();
		node("/config/db").click();
		wait(10).until(ExpectedConditions.textToBePresentInElementLocated(By.id("value"), "jdbc:h2:mem:shop"));
		assertThat(browser.findElement(By.id("value")).getText()).contains("******");
		assertThat(browser.getPageSource()).doesNotContain(SECRET);
	}

	@Test
	void aWriteThroughTheControllerAppearsInTheEventStreamWithoutReload() {
		signIn("reader");
		Object before = ((JavascriptExecutor) browser).executeScript("return performance.timeOrigin;");
		this.controller.set("/live/greeting", "hello-from-the-controller");
		long revision = this.controller.revision();
		WebElement row = wait(5).until(ExpectedConditions.presenceOfElementLocated(
				By.cssSelector("#events li.event[data-path='/live/greeting'][data-revision='" + revision + "']")));
		assertThat(row.getText()).contains("hello-from-the-controller");
		assertThat(((JavascriptExecutor) browser).executeScript("return performance.timeOrigin;")).isEqualTo(before);
	}

	@Test
	void theDerivationGraphShowsSourcesAndDestination() {
		signIn("reader");
		wait(10).until(ExpectedConditions.presenceOfElementLocated(By.cssSelector("#graph svg")));
		assertThat(browser.findElements(By.cssSelector("#graph g.node.source[data-path='/shop/a']"))).hasSize(1);
		assertThat(browser.findElements(By.cssSelector("#graph g.node.source[data-path='/shop/b']"))).hasSize(1);
		assertThat(browser.findElements(By.cssSelector("#graph g.node.destination[data-path='/stats/total']")))
			.hasSize(1);
		assertThat(browser.findElements(By.cssSelector("#graph path.edge[data-to='/stats/total']")))
			.extracting((edge) -> edge.getDomAttribute("data-from"))
			.containsExactlyInAnyOrder("/shop/a", "/shop/b");
		assertThat(browser.findElement(By.id("graph")).getText()).contains("/shop/a", "/shop/b", "/stats/total");
		assertThat(browser.findElement(By.id("listeners")).getText()).contains("shop-audit", "shopBeans", "audit");
	}

	@Test
	void aReaderCannotEdit() {
		signIn("reader");
		node("/shop").click();
		node("/shop/a").click();
		wait(10).until(ExpectedConditions.textToBePresentInElementLocated(By.id("value"), "2"));
		assertThat(browser.findElement(By.id("editor")).isDisplayed()).isFalse();
		assertThat(browser.findElements(By.cssSelector("#history button.restore"))).isEmpty();
		// Even a request the page does not offer, with the CSRF token, is refused.
		Object status = ((JavascriptExecutor) browser).executeAsyncScript("""
				var done = arguments[arguments.length - 1];
				fetch('api/session').then(r => r.json()).then(s => fetch('api/value?path=/shop/a', {
				  method: 'PUT', headers: { [s.csrf.header]: s.csrf.token, 'Content-Type': 'application/json' },
				  body: '99' })).then(r => done(r.status)).catch(e => done(String(e)));
				""");
		assertThat(status).isEqualTo(403L);
		assertThat(this.controller.get("/shop/a")).isEqualTo(2);
	}

	@Test
	void aWriterEditsAndTheControllerSeesIt() {
		signIn("writer");
		node("/shop").click();
		node("/shop/a").click();
		WebElement editor = wait(10).until(ExpectedConditions.visibilityOfElementLocated(By.id("edit-value")));
		wait(10).until((driver) -> "2".equals(editor.getDomProperty("value")));
		editor.clear();
		editor.sendKeys("{not json");
		browser.findElement(By.id("save")).click();
		wait(5).until(ExpectedConditions.textToBePresentInElementLocated(By.id("edit-status"), "Not valid JSON"));
		assertThat(this.controller.get("/shop/a")).isEqualTo(2);
		editor.clear();
		editor.sendKeys("40");
		browser.findElement(By.id("save")).click();
		await().atMost(Duration.ofSeconds(30)).until(() -> Integer.valueOf(40).equals(this.controller.get("/shop/a")));
		await().atMost(Duration.ofSeconds(30)).until(() -> Integer.valueOf(43).equals(this.controller.get("/stats/total")));
		wait(5).until(ExpectedConditions.textToBePresentInElementLocated(By.id("edit-status"), "saved"));
	}

	@Test
	void afterTheStreamIsCutAndRestoredNoEventIsMissingOrRepeated() {
		signIn("reader");
		WebElement pattern = browser.findElement(By.id("pattern"));
		pattern.clear();
		pattern.sendKeys("/seq/**");
		browser.findElement(By.id("apply-pattern")).click();
		waitLive();
		List<Long> written = new ArrayList<>();
		for (int i = 0; i < 30; i++) {
			this.controller.set("/seq/n" + i, i);
			written.add(this.controller.revision());
			if (i % 10 == 4) {
				this.console.closeStreams();
			}
		}
		await().atMost(Duration.ofSeconds(20))
			.untilAsserted(() -> assertThat(shownRevisions("/seq/")).hasSameSizeAs(written));
		List<Long> shown = shownRevisions("/seq/");
		assertThat(shown).containsExactlyElementsOf(written);
		for (int i = 1; i < shown.size(); i++) {
			assertThat(shown.get(i)).as("revisions shown are contiguous").isEqualTo(shown.get(i - 1) + 1);
		}
	}

	@Test
	void oneCommitOfThousandsOfChildrenKeepsThePageResponsive() {
		signIn("reader");
		Map<String, Object> children = new java.util.LinkedHashMap<>();
		for (int i = 0; i < 5000; i++) {
			children.put("c" + i, i);
		}
		this.controller.set("/bulk", children);
		long bulk = this.controller.revision();
		// The page draws the burst without freezing: a trivial script answers within seconds.
		WebDriver.Timeouts timeouts = browser.manage().timeouts();
		timeouts.scriptTimeout(Duration.ofSeconds(3));
		await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200)).untilAsserted(() -> {
			long started = System.nanoTime();
			assertThat(((JavascriptExecutor) browser).executeScript("return 1;")).isEqualTo(1L);
			assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(3));
			String count = browser.findElement(By.id("event-count")).getText();
			assertThat(Integer.parseInt(count.substring(0, count.indexOf(' ')))).isGreaterThanOrEqualTo(5000);
		});
		assertThat(browser.findElements(By.cssSelector("#events li"))).hasSizeLessThanOrEqualTo(500);
		assertThat(browser.findElements(By.cssSelector("#events li[data-revision='" + bulk + "']")))
			.hasSizeLessThanOrEqualTo(500)
			.isNotEmpty();
		this.controller.set("/live/after-bulk", "still-here");
		long later = this.controller.revision();
		WebElement row = wait(10).until(ExpectedConditions.presenceOfElementLocated(
				By.cssSelector("#events li.event[data-path='/live/after-bulk'][data-revision='" + later + "']")));
		assertThat(row.getText()).contains("still-here");
		assertThat(browser.findElements(By.cssSelector("#events li"))).hasSizeLessThanOrEqualTo(500);
	}

	/**
	 * A group listener for the dead-letter test: it always fails for {@code /accounts/password},
	 * with a message quoting the value it was given (which the console must not show).
	 */
	@Configuration(proxyBeanMethods = false)
	static class Accounts {

		@OnStateChange(value = "/accounts/{id}", group = "accounts")
		void account(StateEvent event) {
			if (event.path().toString().equals("/accounts/password") && event.newValue() != null) {
				throw new IllegalStateException("could not use " + event.newValue());
			}
		}

	}

	@Test
	void theGroupAndItsDeadLetterAreListedWithoutTheMaskedValue() {
		signIn("reader");
		WebElement group = wait(10).until(ExpectedConditions.presenceOfElementLocated(
				By.xpath("//table[@id='groups']/tbody/tr[td[1][text()='accounts']]")));
		assertThat(group.getText()).contains("accounts", "/accounts/{id}");
		this.controller.set("/accounts/password", ACCOUNT_SECRET);
		long revision = this.controller.revision();
		DeadLetter letter = await().atMost(Duration.ofSeconds(30))
			.until(() -> this.controller.deadLetters("accounts")
				.stream()
				.filter((l) -> l.revision() == revision)
				.findFirst()
				.orElse(null), (l) -> l != null);
		assertThat(letter.path().toString()).isEqualTo("/accounts/password");
		// Reloaded, the page counts the dead letter; a click on the group lists it.
		signIn("reader");
		group = wait(10).until(ExpectedConditions.presenceOfElementLocated(
				By.xpath("//table[@id='groups']/tbody/tr[td[1][text()='accounts']]")));
		assertThat(group.findElements(By.tagName("td")).get(4).getText()).isNotEqualTo("0");
		group.click();
		WebElement deadLetters = wait(5).until(ExpectedConditions.visibilityOfElementLocated(By.id("dead-letters")));
		wait(5).until(ExpectedConditions.textToBePresentInElement(deadLetters, "/accounts/password"));
		assertThat(deadLetters.getText()).contains("\"revision\": " + revision)
			.contains("IllegalStateException")
			.doesNotContain(ACCOUNT_SECRET)
			.doesNotContain("could not use");
		assertThat(browser.getPageSource()).doesNotContain(ACCOUNT_SECRET);
	}

	@Test
	void whilePausedNoWriteIsShownAndAfterResumeNoneIsMissing() {
		signIn("reader");
		List<Long> written = new ArrayList<>();
		this.controller.set("/live/p0", 0);
		written.add(this.controller.revision());
		wait(5).until(ExpectedConditions.presenceOfElementLocated(
				By.cssSelector("#events li.event[data-path='/live/p0'][data-revision='" + written.get(0) + "']")));
		WebElement pause = browser.findElement(By.id("pause"));
		pause.click();
		wait(5).until(ExpectedConditions.textToBePresentInElementLocated(By.id("connection"), "paused"));
		assertThat(pause.getText()).isEqualTo("Resume");
		for (int i = 1; i <= 3; i++) {
			this.controller.set("/live/p" + i, i);
			written.add(this.controller.revision());
		}
		// For a second and a half (fifteen times the page's drawing interval) only the first write is shown.
		await().during(Duration.ofMillis(1500))
			.atMost(Duration.ofSeconds(30))
			.until(() -> shownRevisions("/live/p").equals(written.subList(0, 1)));
		assertThat(browser.findElement(By.id("revision")).getText()).isEqualTo(String.valueOf(written.get(0)));
		pause.click();
		waitLive();
		assertThat(pause.getText()).isEqualTo("Pause");
		await().atMost(Duration.ofSeconds(30))
			.untilAsserted(() -> assertThat(shownRevisions("/live/p")).hasSameSizeAs(written));
		assertThat(shownRevisions("/live/p")).containsExactlyElementsOf(written);
		assertThat(browser.findElement(By.id("revision")).getText())
			.isEqualTo(String.valueOf(written.get(written.size() - 1)));
	}

	@Test
	void aWriterRestoresACommitsOldValuesAndAReaderIsNotOfferedRestore() {
		this.controller.set("/shop/a", 7);
		long revision = this.controller.revision();
		signIn("reader");
		By commit = By.cssSelector("#history tbody tr[data-revision='" + revision + "']");
		WebElement row = wait(10).until(ExpectedConditions.presenceOfElementLocated(commit));
		assertThat(row.getText()).contains("/shop/a: 2 \u2192 7");
		assertThat(browser.findElements(By.cssSelector("#history button.restore"))).isEmpty();
		assertThat(browser.findElements(By.cssSelector("#history button"))).isEmpty();
		signIn("writer");
		WebElement restore = wait(10).until(ExpectedConditions
			.elementToBeClickable(By.cssSelector("#history tbody tr[data-revision='" + revision + "'] button.restore")));
		assertThat(this.controller.get("/shop/a")).isEqualTo(7);
		restore.click();
		await().atMost(Duration.ofSeconds(30)).until(() -> Integer.valueOf(2).equals(this.controller.get("/shop/a")));
		await().atMost(Duration.ofSeconds(30)).until(() -> Integer.valueOf(5).equals(this.controller.get("/stats/total")));
		long restored = this.controller.revision();
		// The page lists the restoring commit, the old value back.
		WebElement restoring = wait(10).until(ExpectedConditions.presenceOfElementLocated(By.xpath(
				"//table[@id='history']/tbody/tr[td[5][contains(., '/shop/a: 7 \u2192 2')]]")));
		assertThat(Long.parseLong(restoring.getDomAttribute("data-revision"))).isGreaterThan(revision)
			.isLessThanOrEqualTo(restored);
		assertThat(browser.findElement(By.id("error")).isDisplayed()).isFalse();
	}

	@Test
	void screenshotForTheReadme() throws IOException {
		String target = System.getProperty("console.screenshot");
		Assumptions.assumeTrue(target != null && !target.isBlank(), "no screenshot asked for");
		signIn("writer");
		node("/config").click();
		node("/config/db").click();
		wait(10).until(ExpectedConditions.textToBePresentInElementLocated(By.id("value"), "jdbc:h2:mem:shop"));
		this.controller.set("/shop/a", 5);
		this.controller.set("/shop/b", 8);
		wait(5).until(ExpectedConditions.presenceOfElementLocated(By.cssSelector("#events li.event")));
		byte[] png = ((TakesScreenshot) browser).getScreenshotAs(OutputType.BYTES);
		Path file = Path.of(target);
		Files.createDirectories(file.toAbsolutePath().getParent());
		Files.write(file, png);
		assertThat(png.length).isGreaterThan(1000);
	}

	private List<Long> shownRevisions(String pathPrefix) {
		List<Long> revisions = new ArrayList<>();
		for (WebElement row : browser.findElements(By.cssSelector("#events li.event"))) {
			String path = row.getDomAttribute("data-path");
			if (path != null && path.startsWith(pathPrefix)) {
				revisions.add(0, Long.valueOf(row.getDomAttribute("data-revision")));
			}
		}
		return revisions;
	}

	private void signIn(String user) {
		browser.manage().deleteAllCookies();
		browser.get(url("/statetree/"));
		wait(10).until(ExpectedConditions.urlContains("/login"));
		browser.findElement(By.id("username")).sendKeys(user);
		browser.findElement(By.id("password")).sendKeys(ConsoleTestApplication.PASSWORD);
		browser.findElement(By.cssSelector("button[type=submit]")).click();
		wait(10).until(ExpectedConditions.urlContains("/statetree/"));
		wait(10).until(ExpectedConditions.textToBePresentInElementLocated(By.id("user"), user));
		waitLive();
	}

	private void waitLive() {
		wait(10).until(ExpectedConditions.textToBePresentInElementLocated(By.id("connection"), "live"));
	}

	private static WebElement node(String path) {
		return wait(10).until(ExpectedConditions
			.elementToBeClickable(By.cssSelector("#tree .name[data-path='" + path + "']")));
	}

	private static WebDriverWait wait(int seconds) {
		return new WebDriverWait(browser, Duration.ofSeconds(seconds));
	}

	private String url(String path) {
		return "http://localhost:" + this.port + path;
	}

}
