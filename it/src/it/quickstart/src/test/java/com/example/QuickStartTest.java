package com.example;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/**
 * Runs both quick starts in Surefire's JVM, which gets Chronicle's options from the argLine
 * snippet.
 */
class QuickStartTest {
  private static final String HIT = "guide/intro.md:1: Hello, getUserName!";

  @Test
  void memoryQueue() throws Exception {
    String out = capture(() -> QuickStart.main(new String[0]));
    assertTrue(out.contains(HIT), out);
  }

  @Test
  void chronicleQueue() throws Exception {
    String out = capture(() -> ChronicleQuickStart.main(new String[0]));
    assertTrue(out.contains(HIT), out);
  }

  interface Main {
    void run() throws Exception;
  }

  private static synchronized String capture(Main main) throws Exception {
    PrintStream old = System.out;
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    System.setOut(new PrintStream(bytes, true, StandardCharsets.UTF_8));
    try {
      main.run();
    } finally {
      System.setOut(old);
    }
    String s = bytes.toString(StandardCharsets.UTF_8);
    old.print(s);
    return s;
  }
}
