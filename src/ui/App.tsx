/** The page shell. The attention explorer (heatmap, step-through, training) replaces the placeholder. */
export function App() {
  return (
    <>
      <main className="shell">
        <h1>RNNsearch</h1>
        <p className="lede">
          An explorer for additive attention: watch a trained RNN encoder-decoder translate a
          sentence, live in your browser, and see where it looks for each word it writes.
        </p>
        <p className="status">The explorer is in progress.</p>
      </main>
      <footer className="shell footer">
        <p>
          After Bahdanau, Cho &amp; Bengio,{' '}
          <a href="https://arxiv.org/abs/1409.0473" rel="noreferrer">
            Neural Machine Translation by Jointly Learning to Align and Translate
          </a>{' '}
          (2014).
        </p>
      </footer>
    </>
  );
}
