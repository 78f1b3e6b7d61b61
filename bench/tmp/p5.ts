import { measurePanelSize } from '../scenarios/p5-panel-size';
console.log(JSON.stringify(measurePanelSize(), null, 1));
